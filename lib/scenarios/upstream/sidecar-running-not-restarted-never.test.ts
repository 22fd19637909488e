import { describe, expect, it } from 'vitest';
import { addRecord, bySeq, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import {
  COMPLETES_WITHIN_MS,
  sidecarRunningNotRestartedNever,
} from './sidecar-running-not-restarted-never.js';

const { fixture, timeline } = await recordedRun('sidecar-running-not-restarted-never');
const check = (t = timeline) => checkScenario(sidecarRunningNotRestartedNever, fixture, t);
const phaseRule = `Pod reaches phase Succeeded within ${COMPLETES_WITHIN_MS} ms of being applied`;

describe('sidecar-running-not-restarted-never (upstream C2, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod succeeds only after upstream’s 5 minutes', () => {
    const succeeded = timeline.find({ kind: 'pod-phase', reason: 'Succeeded' })[0]!;
    const results = check(shiftRecords(timeline, bySeq(succeeded.seq), seconds(301)));
    expect(rulesWith(results)).toEqual([phaseRule]);
    expect(expectBroken(results, phaseRule, ['Succeeded']).measurement?.value).toBeGreaterThan(
      COMPLETES_WITHIN_MS,
    );
  });

  it('fails when the sidecar is restarted', () => {
    const restart = {
      source: 'status',
      kind: 'restarted',
      container: 'restartable-init-1',
      restartCount: 1,
      reason: 'Error',
      exitCode: 1,
    } as const;
    const results = check(addRecord(timeline, { ...restart, ns: endNs(timeline) - seconds(1) }));
    const rule = 'restartable-init-1 is never restarted';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['restartable-init-1']).actual).toBe('restartCount 1');
  });

  it('fails when the app does not run to completion', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container: 'regular-1', source: 'status' }), {
        reason: 'Error',
        exitCode: 137,
      }),
    );
    const rule = 'regular-1 ends Completed with exit code 0';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['regular-1']).actual).toContain('reason Error, exit 137');
  });
});
