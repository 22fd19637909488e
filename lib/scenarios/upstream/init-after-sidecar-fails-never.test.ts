import { describe, expect, it } from 'vitest';
import { addRecord, bySeq, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import { FAILS_WITHIN_MS, initAfterSidecarFailsNever } from './init-after-sidecar-fails-never.js';

const { fixture, timeline } = await recordedRun('init-after-sidecar-fails-never');
const check = (t = timeline) => checkScenario(initAfterSidecarFailsNever, fixture, t);
const phaseRule = `Pod reaches phase Failed within ${FAILS_WITHIN_MS} ms of being applied`;

describe('init-after-sidecar-fails-never (upstream C6, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Succeeded', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Succeeded' }));
    expect(rulesWith(results)).toEqual([phaseRule]);
    expectBroken(results, phaseRule, ['Succeeded']);
  });

  it('fails when the Pod fails only after upstream’s minute', () => {
    const failed = timeline.find({ kind: 'pod-phase', reason: 'Failed' })[0]!;
    const results = check(shiftRecords(timeline, bySeq(failed.seq), seconds(61)));
    expect(rulesWith(results)).toEqual([phaseRule]);
    expect(expectBroken(results, phaseRule, ['Failed']).measurement?.value).toBeGreaterThan(FAILS_WITHIN_MS);
  });

  it('fails when init-1 is not marked failed', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container: 'init-1', source: 'status' }), {
        reason: 'Completed',
        exitCode: 0,
      }),
    );
    const rule = 'init-1 ends Error with exit code 1';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['init-1']).actual).toContain('reason Completed, exit 0');
  });

  it('fails when the sidecar had stopped before init-1 started', () => {
    const rule = 'restartable-init-1 and init-1 run together';
    const stopped = moveRecord(
      timeline,
      exitRecord(timeline, 'restartable-init-1'),
      startRecord(timeline, 'init-1').ns - msToNs(1),
    );
    const results = check(stopped);
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['restartable-init-1', 'init-1']);
  });

  it('fails when the app starts after all', () => {
    const initStart = startRecord(timeline, 'init-1');
    const results = check(
      addRecord(timeline, { ...initStart, container: 'regular-1', ns: initStart.ns + seconds(1) }),
    );
    const rule = 'regular-1 never starts';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['regular-1']);
  });
});
