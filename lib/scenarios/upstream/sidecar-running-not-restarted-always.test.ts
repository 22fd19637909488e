import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, shiftRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import {
  APP_RESTARTS,
  RESTARTS_WITHIN_MS,
  sidecarRunningNotRestartedAlways,
} from './sidecar-running-not-restarted-always.js';

const { fixture, timeline } = await recordedRun('sidecar-running-not-restarted-always');
const check = (t = timeline) => checkScenario(sidecarRunningNotRestartedAlways, fixture, t);
const restartRule = `regular-1 has restarted ≥ ${APP_RESTARTS} times within ${RESTARTS_WITHIN_MS} ms of the Pod being applied`;
const secondRestart = (r: { container?: string; restartCount?: number }) =>
  r.container === 'regular-1' && (r.restartCount ?? 0) >= APP_RESTARTS;

describe('sidecar-running-not-restarted-always (upstream C2, restartPolicy Always)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the app restarts only once', () => {
    const results = check(dropRecords(timeline, secondRestart));
    expect(rulesWith(results)).toEqual([restartRule]);
    const broken = expectBroken(results, restartRule, ['regular-1']);
    expect(broken.measurement?.value).toBe(1);
    expect(broken.missing).toEqual([`restart ${APP_RESTARTS} of regular-1`]);
  });

  it('fails when the second restart comes after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, secondRestart, seconds(120)));
    expect(rulesWith(results)).toEqual([restartRule]);
    expect(expectBroken(results, restartRule, ['regular-1']).measurement?.value).toBeGreaterThan(
      RESTARTS_WITHIN_MS,
    );
  });

  it('fails when the sidecar is restarted too', () => {
    const restart = timeline.find({ kind: 'restarted', container: 'regular-1' })[0]!;
    const results = check(
      addRecord(timeline, { ...restart, container: 'restartable-init-1', restartCount: 1 }),
    );
    const rule = 'restartable-init-1 is never restarted';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['restartable-init-1']).actual).toBe('restartCount 1');
  });

  it('fails when the Pod leaves Running', () => {
    const succeeded = { source: 'status', kind: 'pod-phase', reason: 'Succeeded' } as const;
    const results = check(addRecord(timeline, { ...succeeded, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Succeeded', '<pod>']);
  });
});
