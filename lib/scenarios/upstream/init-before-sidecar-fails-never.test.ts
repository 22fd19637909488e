import { describe, expect, it } from 'vitest';
import { addRecord, bySeq, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { FAILS_WITHIN_MS, initBeforeSidecarFailsNever } from './init-before-sidecar-fails-never.js';

const { fixture, timeline } = await recordedRun('init-before-sidecar-fails-never');
const check = (t = timeline) => checkScenario(initBeforeSidecarFailsNever, fixture, t);
const phaseRule = `Pod reaches phase Failed within ${FAILS_WITHIN_MS} ms of being applied`;

describe('init-before-sidecar-fails-never (upstream C5, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod does not fail', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Pending' }));
    expect(rulesWith(results)).toEqual([phaseRule]);
    const broken = expectBroken(results, phaseRule, ['Pending']);
    expect(broken.missing).toEqual(['phase Failed']);
  });

  it('fails when the Pod fails only after upstream’s minute', () => {
    const failed = timeline.find({ kind: 'pod-phase', reason: 'Failed' })[0]!;
    const results = check(shiftRecords(timeline, bySeq(failed.seq), seconds(60)));
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

  it.each(['restartable-init-1', 'regular-1'])('fails when %s starts after all', (container) => {
    const initStart = startRecord(timeline, 'init-1');
    const results = check(addRecord(timeline, { ...initStart, container, ns: initStart.ns + seconds(2) }));
    const rule = `${container} never starts`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, [container]).claim).toBe('absence');
  });
});
