import { describe, expect, it } from 'vitest';
import { bySeq, patchRecords, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { sidecarNonzeroExitPodSucceeds } from './sidecar-nonzero-exit-pod-succeeds.js';

const { fixture, timeline } = await recordedRun('sidecar-nonzero-exit-pod-succeeds');
const check = (t = timeline) => checkScenario(sidecarNonzeroExitPodSucceeds, fixture, t);
const terminated = (container: string) => where({ kind: 'terminated', container, source: 'status' });

describe('sidecar-nonzero-exit-pod-succeeds (upstream C21)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar’s exit 1 fails the Pod', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(rulesWith(results)).toEqual(['Pod phase is Succeeded']);
    expectBroken(results, 'Pod phase is Succeeded', ['Failed', '<pod>']);
  });

  it('fails when restartable-init-2’s exit 1 is reported as Completed 0', () => {
    const results = check(
      patchRecords(timeline, terminated('restartable-init-2'), { reason: 'Completed', exitCode: 0 }),
    );
    const rule = 'restartable-init-2 ends Error with exit code 1';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['restartable-init-2']).actual).toContain('reason Completed, exit 0');
  });

  it.each(['regular-1', 'restartable-init-1', 'restartable-init-3'])(
    'fails when %s ends Error with exit code 1 too',
    (container) => {
      const results = check(patchRecords(timeline, terminated(container), { reason: 'Error', exitCode: 1 }));
      const rule = `${container} ends Completed with exit code 0`;
      expect(rulesWith(results)).toEqual([rule]);
      expect(expectBroken(results, rule, [container]).actual).toContain('reason Error, exit 1');
    },
  );
});
