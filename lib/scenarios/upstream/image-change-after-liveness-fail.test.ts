import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { addRecord, dropRecords, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import {
  imageChangeAfterLivenessFail,
  LIVENESS_RESTART_WITHIN_MS,
  RUNNING_AGAIN_WITHIN_MS,
} from './image-change-after-liveness-fail.js';

const { fixture, timeline } = await recordedRun('image-change-after-liveness-fail');
const check = (t = timeline) => checkScenario(imageChangeAfterLivenessFail, fixture, t);
const CHANGED = 'restartable-init-2';
const patchRule = `${CHANGED} restarts at least once after the image patch, running again within ${RUNNING_AGAIN_WITHIN_MS} ms`;
/** The recorded run's instance started after the patch (the liveness probe had restarted it once). */
const AFTER_PATCH = 2;
const afterPatch = (r: TimelineRecord) =>
  r.container === CHANGED && r.kind === 'started' && r.source !== 'event' && r.restartCount === AFTER_PATCH;

describe('image-change-after-liveness-fail (upstream C14, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    const patched = timeline.first({ kind: 'patched' })!;
    expect(
      timeline
        .find({ kind: 'started', container: CHANGED, source: 'runtime' })
        .filter((r) => r.ns > patched.ns)
        .map((r) => r.restartCount),
    ).toEqual([AFTER_PATCH]);
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the liveness probe first restarts the sidecar only after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, where({ kind: 'applied' }), -seconds(200)));
    const rule = `${CHANGED} has restarted ≥ 1 time within ${LIVENESS_RESTART_WITHIN_MS} ms of the Pod being applied`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it('fails when the kubelet never says the liveness probe failed', () => {
    const results = check(
      dropRecords(timeline, (r) => r.kind === 'killing' && /failed liveness probe/.test(r.message ?? '')),
    );
    const rule = `a Killing event names ${CHANGED} with a message matching /failed liveness probe/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it('fails when the sidecar runs again only after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, afterPatch, seconds(121)));
    expect(rulesWith(results)).toEqual([patchRule]);
    expectBroken(results, patchRule, [CHANGED]);
  });

  it('fails when the sidecar never runs again after the patch', () => {
    const results = check(dropRecords(timeline, afterPatch));
    expect(rulesWith(results)).toEqual([patchRule]);
    expect(expectBroken(results, patchRule, [CHANGED]).missing).toEqual([
      `a start of ${CHANGED} after the image patch`,
    ]);
  });

  it('fails when the new instance was made from the old image', () => {
    const last = timeline.find({ source: 'event', reason: 'Pulled', container: CHANGED }).at(-1)!;
    const results = check(
      patchRecords(timeline, (r) => r.seq === last.seq, {
        message: last.message?.replace(TEST_IMAGE_B, TEST_IMAGE),
      }),
    );
    const rule = `${CHANGED}'s Pulled events name ${TEST_IMAGE}, then ${TEST_IMAGE_B}`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it('fails when the app starts before the probed sidecar', () => {
    const swapped = swapTimes(timeline, startRecord(timeline, CHANGED), startRecord(timeline, 'regular-1'));
    const rule = `${CHANGED} starts before regular-1`;
    expect(rulesWith(check(swapped))).toEqual([rule]);
    expectBroken(check(swapped), rule, [CHANGED, 'regular-1']);
  });

  it.each(['restartable-init-1', 'regular-1'])('fails when %s is restarted', (container) => {
    const restart = timeline.find({ kind: 'restarted', container: CHANGED })[0]!;
    const results = check(addRecord(timeline, { ...restart, container }));
    const rule = `${container} is never restarted`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it('fails when the Pod leaves Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Failed', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Failed']);
  });
});
