import { describe, expect, it } from 'vitest';
import { patchRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import { reverseOrderTermination, SIDECAR_STOP_MS } from './reverse-order-termination.js';

const { fixture, timeline } = await recordedRun('reverse-order-termination');
const check = (t = timeline) => checkScenario(reverseOrderTermination, fixture, t);
const gapRule = (first: string, then: string) =>
  `${then} stops at least ${SIDECAR_STOP_MS} ms after ${first}`;

describe('reverse-order-termination (upstream C16)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each([
    ['restartable-init-1', 'restartable-init-2'],
    ['restartable-init-2', 'restartable-init-3'],
    ['restartable-init-3', 'regular-1'],
  ])('fails when %s and %s start in swapped order', (first, then) => {
    const rule = `${first} starts before ${then}`;
    const results = check(swapTimes(timeline, startRecord(timeline, first), startRecord(timeline, then)));
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [first, then]);
  });

  it.each([
    ['regular-1', 'restartable-init-3'],
    ['restartable-init-3', 'restartable-init-2'],
    ['restartable-init-2', 'restartable-init-1'],
  ])('fails when %s is followed by %s only 2 s later (sent SIGTERM early)', (first, then) => {
    const rule = gapRule(first, then);
    const results = check(
      moveRecord(timeline, exitRecord(timeline, then), exitRecord(timeline, first).ns + msToNs(2000)),
    );
    expect(rulesWith(results)).toEqual([rule]);
    const broken = expectBroken(results, rule, [first, then]);
    expect(broken.measurement).toEqual({ value: 2000, unit: 'ms', min: SIDECAR_STOP_MS });
  });

  it('fails when the first two sidecars stop in manifest order', () => {
    const swapped = swapTimes(
      timeline,
      exitRecord(timeline, 'restartable-init-1'),
      exitRecord(timeline, 'restartable-init-2'),
    );
    const rule = gapRule('restartable-init-2', 'restartable-init-1');
    const results = check(swapped);
    // restartable-init-2 now stops last, ≥ 5 s after restartable-init-3: only the last gap breaks.
    expect(rulesWith(results)).toEqual([rule]);
    expect(
      expectBroken(results, rule, ['restartable-init-1', 'restartable-init-2']).measurement?.value,
    ).toBeLessThan(0);
  });

  it.each(['restartable-init-1', 'restartable-init-2', 'restartable-init-3'])(
    'fails when %s is killed (137 Error)',
    (container) => {
      const results = check(
        patchRecords(timeline, where({ kind: 'terminated', container, source: 'status' }), {
          reason: 'Error',
          exitCode: 137,
        }),
      );
      const rule = `${container} ends Completed with exit code 0`;
      expect(rulesWith(results)).toEqual([rule]);
      expect(expectBroken(results, rule, [container]).actual).toContain('reason Error, exit 137');
    },
  );
});
