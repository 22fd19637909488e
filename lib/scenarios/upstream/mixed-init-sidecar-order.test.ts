import { describe, expect, it } from 'vitest';
import { bySeq, patchRecords, shiftRecords } from '../../testing/mutate.js';
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
import { COMPLETES_WITHIN_MS, mixedInitSidecarOrder } from './mixed-init-sidecar-order.js';

const { fixture, timeline } = await recordedRun('mixed-init-sidecar-order');
const check = (t = timeline) => checkScenario(mixedInitSidecarOrder, fixture, t);
const ms = (n: number) => msToNs(n);

describe('mixed-init-sidecar-order (upstream C1)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Failed', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const rule = `Pod reaches phase Succeeded within ${COMPLETES_WITHIN_MS} ms of being applied`;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['Failed', 'Succeeded']);
  });

  it('fails when the Pod succeeds only after upstream’s 5 minutes', () => {
    const succeeded = timeline.find({ kind: 'pod-phase', reason: 'Succeeded' })[0]!;
    const rule = `Pod reaches phase Succeeded within ${COMPLETES_WITHIN_MS} ms of being applied`;
    const results = check(shiftRecords(timeline, bySeq(succeeded.seq), seconds(300)));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['Succeeded']).measurement?.value).toBeGreaterThan(
      COMPLETES_WITHIN_MS,
    );
  });

  it.each([
    ['init-1', 'restartable-init-1'],
    ['init-2', 'restartable-init-2'],
    ['init-3', 'regular-1'],
  ])('fails when %s is still running when %s starts', (init, next) => {
    const rule = `${init} exits before ${next} starts`;
    const late = moveRecord(timeline, exitRecord(timeline, init), startRecord(timeline, next).ns + ms(1));
    const results = check(late);
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [init, next]);
  });

  it.each([
    ['restartable-init-1', 'init-2'],
    ['restartable-init-2', 'init-3'],
  ])('fails when %s starts only after %s', (sidecar, next) => {
    // The next container starts just before the sidecar, still after the init container before it.
    const rule = `${sidecar} starts before ${next}`;
    const early = moveRecord(
      timeline,
      startRecord(timeline, next),
      startRecord(timeline, sidecar).ns - ms(1),
    );
    const results = check(early);
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [sidecar, next]);
  });

  it.each(['restartable-init-1', 'restartable-init-2'])(
    'fails when %s stops after init-3 started but before the app started',
    (sidecar) => {
      const rule = `${sidecar} and regular-1 run together`;
      const stopped = moveRecord(
        timeline,
        exitRecord(timeline, sidecar),
        startRecord(timeline, 'regular-1').ns - ms(1),
      );
      const results = check(stopped);
      expect(rulesWith(results)).toEqual([rule]);
      expectBroken(results, rule, [sidecar, 'regular-1']);
    },
  );
});
