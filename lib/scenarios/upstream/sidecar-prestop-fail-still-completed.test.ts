import { describe, expect, it } from 'vitest';
import { bySeq, dropRecords, patchRecords, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { sidecarPrestopFailStillCompleted } from './sidecar-prestop-fail-still-completed.js';

const { fixture, timeline } = await recordedRun('sidecar-prestop-fail-still-completed');
const check = (t = timeline) => checkScenario(sidecarPrestopFailStillCompleted, fixture, t);
const terminated = (container: string) => where({ kind: 'terminated', container, source: 'status' });

describe('sidecar-prestop-fail-still-completed (upstream C22)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Failed', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(rulesWith(results)).toEqual(['Pod phase is Succeeded']);
    expectBroken(results, 'Pod phase is Succeeded', ['Failed', '<pod>']);
  });

  it('fails when no Event says the preStop hook failed (the run would prove nothing)', () => {
    const rule = 'a FailedPreStopHook event names restartable-init-2';
    const results = check(dropRecords(timeline, where({ source: 'event', reason: 'FailedPreStopHook' })));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['restartable-init-2']).missing).toEqual([
      'a FailedPreStopHook event of restartable-init-2',
    ]);
  });

  it('fails when the failed hook’s exit code leaks into the container’s', () => {
    const results = check(
      patchRecords(timeline, terminated('restartable-init-2'), { reason: 'Error', exitCode: 1 }),
    );
    const rule = 'restartable-init-2 ends Completed with exit code 0';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['restartable-init-2']).actual).toContain('reason Error, exit 1');
  });

  it.each(['restartable-init-1', 'restartable-init-3', 'regular-1'])(
    'fails when %s is killed (137 Error)',
    (container) => {
      const results = check(
        patchRecords(timeline, terminated(container), { reason: 'Error', exitCode: 137 }),
      );
      const rule = `${container} ends Completed with exit code 0`;
      expect(rulesWith(results)).toEqual([rule]);
      expect(expectBroken(results, rule, [container]).actual).toContain('reason Error, exit 137');
    },
  );
});
