import { describe, expect, it } from 'vitest';
import { bySeq, dropRecords, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { UNREADY_WITHIN_MS, sidecarUnreadyOnTermination } from './sidecar-unready-on-termination.js';

const { fixture, timeline } = await recordedRun('sidecar-unready-on-termination');
const check = (t = timeline) => checkScenario(sidecarUnreadyOnTermination, fixture, t);
const withinRule = `Pod Ready turns False within ${UNREADY_WITHIN_MS} ms after the delete`;
const beforeRule = 'Pod Ready turns False after the delete, before sidecar exits';
const deleted = () => timeline.first({ kind: 'delete-requested' })!;
const unready = () => timeline.find({ kind: 'pod-not-ready' }).find((r) => r.observedNs >= deleted().ns)!;

describe('sidecar-unready-on-termination (upstream P10)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    const measured = check().find((r) => r.rule === withinRule)?.measurement?.value ?? -1;
    expect(measured).toBeGreaterThan(0);
    expect(measured).toBeLessThanOrEqual(UNREADY_WITHIN_MS);
  });

  it('fails when the Pod turns unready 9 s later than it did (past the bound, still before the sidecar exits)', () => {
    const results = check(shiftRecords(timeline, bySeq(unready().seq), seconds(9)));
    expect(rulesWith(results)).toEqual([withinRule]);
    expect(expectBroken(results, withinRule, ['<pod>']).measurement?.value).toBeGreaterThan(
      UNREADY_WITHIN_MS,
    );
  });

  it('fails when the Pod is still Ready after the delete, saying what never came', () => {
    const results = check(dropRecords(timeline, bySeq(unready().seq)));
    expect(rulesWith(results)).toEqual([withinRule, beforeRule]);
    expect(expectBroken(results, withinRule, ['<pod>']).missing).toEqual(['a Ready=False after it']);
  });

  it('fails when the sidecar is gone before the Pod turns unready', () => {
    const exit = timeline.find({ kind: 'terminated', container: 'sidecar', source: 'runtime' }).at(-1)!;
    const results = check(moveRecord(timeline, exit, unready().ns - 500_000_000n));
    expect(rulesWith(results)).toEqual([beforeRule]);
    expectBroken(results, beforeRule, ['sidecar']);
  });

  it('fails when the sidecar is killed instead of ending by its SIGTERM handler', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container: 'sidecar', source: 'status' }), {
        reason: 'Error',
        exitCode: 137,
      }),
    );
    const rule = 'sidecar ends Completed with exit code 0';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).actual).toContain('reason Error, exit 137');
  });
});
