import { describe, expect, it } from 'vitest';
import { bySeq, dropRecords, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
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
  COMPLETES_WITHIN_MS,
  sidecarExitAlwaysRestartedNever,
} from './sidecar-exit-always-restarted-never.js';

const { fixture, timeline } = await recordedRun('sidecar-exit-always-restarted-never');
const check = (t = timeline) => checkScenario(sidecarExitAlwaysRestartedNever, fixture, t);
const SIDECAR = 'restartable-init-1';
const phaseRule = `Pod reaches phase Succeeded within ${COMPLETES_WITHIN_MS} ms of being applied`;
const againRule = `${SIDECAR} starts again after regular-1 started`;
const statusRule = `${SIDECAR}'s status shows it running again after regular-1 started`;
const restartStarts = (source: 'runtime' | 'status') => (r: Parameters<ReturnType<typeof where>>[0]) =>
  where({ kind: 'started', container: SIDECAR, source })(r) && (r.restartCount ?? 0) > 0;

describe('sidecar-exit-always-restarted-never (upstream C3, exit code 1, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar’s exits fail the Pod', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(rulesWith(results)).toEqual([phaseRule]);
    expectBroken(results, phaseRule, ['Failed', 'Succeeded']);
  });

  it('fails when the Pod succeeds only after upstream’s 5 minutes', () => {
    const succeeded = timeline.find({ kind: 'pod-phase', reason: 'Succeeded' })[0]!;
    const results = check(shiftRecords(timeline, bySeq(succeeded.seq), seconds(300)));
    expect(rulesWith(results)).toEqual([phaseRule]);
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

  it('fails when the runtime shows no restart after the app started', () => {
    // Every later instance moved to just before the app's start; the status still says otherwise.
    const appStart = startRecord(timeline, 'regular-1').ns;
    const early = patchRecords(timeline, restartStarts('runtime'), (r) => ({
      ns: appStart - msToNs(r.restartCount ?? 0),
    }));
    const results = check(early);
    expect(rulesWith(results)).toEqual([againRule]);
    expect(expectBroken(results, againRule, [SIDECAR, 'regular-1']).measurement?.value).toBe(0);
  });

  it('fails when the status never shows the restarted sidecar running (kubernetes#123323)', () => {
    const results = check(dropRecords(timeline, restartStarts('status')));
    expect(rulesWith(results)).toEqual([statusRule]);
    const broken = expectBroken(results, statusRule, [SIDECAR, 'regular-1']);
    expect(broken.actual).toContain('never started again per its status');
    expect(broken.missing).toEqual([`a restart of ${SIDECAR} in its status`]);
  });

  it('fails when the app does not run to completion', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container: 'regular-1', source: 'status' }), {
        reason: 'Error',
        exitCode: 1,
      }),
    );
    const rule = 'regular-1 ends Completed with exit code 0';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['regular-1']).actual).toContain('reason Error, exit 1');
  });
});
