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
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import {
  imageChangeAfterStartupFail,
  RUNNING_AGAIN_WITHIN_MS,
  STARTUP_RESTART_WITHIN_MS,
} from './image-change-after-startup-fail.js';

const { fixture, timeline } = await recordedRun('image-change-after-startup-fail');
const check = (t = timeline) => checkScenario(imageChangeAfterStartupFail, fixture, t);
const CHANGED = 'restartable-init-2';
const patchRule = `${CHANGED} restarts at least once after the image patch, running again within ${RUNNING_AGAIN_WITHIN_MS} ms`;
/** The recorded run's instance started after the patch (the startup probe had restarted it once). */
const AFTER_PATCH = 2;
const afterPatch = (r: TimelineRecord) =>
  r.container === CHANGED && r.kind === 'started' && r.source !== 'event' && r.restartCount === AFTER_PATCH;

describe('image-change-after-startup-fail (upstream C13, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    const patched = timeline.first({ kind: 'patched' })!;
    expect(
      timeline
        .find({ kind: 'started', container: CHANGED, source: 'status' })
        .filter((r) => r.ns > patched.ns)
        .map((r) => r.restartCount),
    ).toEqual([AFTER_PATCH]);
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the startup probe first restarts the sidecar only after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, where({ kind: 'applied' }), -seconds(200)));
    const rule = `${CHANGED} has restarted ≥ 1 time within ${STARTUP_RESTART_WITHIN_MS} ms of the Pod being applied`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it('fails when the kubelet never says the startup probe failed', () => {
    const results = check(
      dropRecords(timeline, (r) => r.kind === 'killing' && /failed startup probe/.test(r.message ?? '')),
    );
    const rule = `a Killing event names ${CHANGED} with a message matching /failed startup probe/`;
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

  it('fails when the sidecar reports started', () => {
    const started = addRecord(timeline, {
      source: 'status',
      kind: 'startup-passed',
      container: CHANGED,
      ns: startRecord(timeline, CHANGED).ns + seconds(25),
    });
    const rule = `${CHANGED} never reports started: true`;
    expect(rulesWith(check(started))).toEqual([rule]);
    expectBroken(check(started), rule, [CHANGED]);
  });

  it('fails when the app starts', () => {
    const started = addRecord(timeline, {
      source: 'status',
      kind: 'started',
      container: 'regular-1',
      precision: 'second',
      restartCount: 0,
      ns: startRecord(timeline, CHANGED).ns + seconds(1),
    });
    expect(rulesWith(check(started))).toEqual(['regular-1 never starts']);
    expectBroken(check(started), 'regular-1 never starts', ['regular-1']);
  });

  it('fails when the other sidecar is restarted', () => {
    const restart = timeline.find({ kind: 'restarted', container: CHANGED })[0]!;
    const results = check(addRecord(timeline, { ...restart, container: 'restartable-init-1' }));
    const rule = 'restartable-init-1 is never restarted';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['restartable-init-1']);
  });

  it('fails when the Pod leaves Pending (fails, as the KEP first said a Never Pod would)', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Failed', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Pending']);
    expectBroken(results, 'Pod stays Pending', ['Pending', 'Failed']);
  });
});
