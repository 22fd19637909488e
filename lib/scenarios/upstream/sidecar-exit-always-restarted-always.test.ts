import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import {
  APP_RESTARTS,
  RESTARTS_WITHIN_MS,
  sidecarExitAlwaysRestartedAlways,
} from './sidecar-exit-always-restarted-always.js';

const { fixture, timeline } = await recordedRun('sidecar-exit-always-restarted-always');
const check = (t = timeline) => checkScenario(sidecarExitAlwaysRestartedAlways, fixture, t);
const SIDECAR = 'restartable-init-1';
const restartRule = `regular-1 has restarted ≥ ${APP_RESTARTS} time within ${RESTARTS_WITHIN_MS} ms of the Pod being applied`;
const againRule = `${SIDECAR} starts again after regular-1 started`;
const appRestart = (r: { container?: string; restartCount?: number }) =>
  r.container === 'regular-1' && (r.restartCount ?? 0) >= APP_RESTARTS;

describe('sidecar-exit-always-restarted-always (upstream C3, exit code 1, restartPolicy Always)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the app is never restarted', () => {
    const results = check(dropRecords(timeline, appRestart));
    expect(rulesWith(results)).toEqual([restartRule]);
    expect(expectBroken(results, restartRule, ['regular-1']).measurement?.value).toBe(0);
  });

  it('fails when the app’s restart comes after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, appRestart, seconds(90)));
    expect(rulesWith(results)).toEqual([restartRule]);
    expect(expectBroken(results, restartRule, ['regular-1']).measurement?.value).toBeGreaterThan(
      RESTARTS_WITHIN_MS,
    );
  });

  it('fails when the sidecar starts only after the app did', () => {
    // Every start of the sidecar before the app's (its first, often its first restart too) moved after it.
    const rule = `${SIDECAR} starts before regular-1`;
    const appStart = startRecord(timeline, 'regular-1').ns;
    const before = (r: Parameters<ReturnType<typeof where>>[0]) =>
      where({ kind: 'started', container: SIDECAR })(r) && r.ns < appStart;
    const late = patchRecords(timeline, before, (r) => ({
      ns: appStart + msToNs(1 + (r.restartCount ?? 0)),
    }));
    const results = check(late);
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [SIDECAR, 'regular-1']);
  });

  it('fails when the sidecar is not restarted after the app started', () => {
    const appStart = startRecord(timeline, 'regular-1').ns;
    const laterInstances = (r: Parameters<ReturnType<typeof where>>[0]) =>
      r.container === SIDECAR && (r.restartCount ?? 0) > 0 && r.ns > appStart;
    const results = check(dropRecords(timeline, laterInstances));
    expect(rulesWith(results)).toEqual([againRule]);
    expectBroken(results, againRule, [SIDECAR, 'regular-1']);
  });

  it('fails when the Pod leaves Running', () => {
    const failed = { source: 'status', kind: 'pod-phase', reason: 'Failed' } as const;
    const results = check(addRecord(timeline, { ...failed, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Failed', '<pod>']);
  });
});
