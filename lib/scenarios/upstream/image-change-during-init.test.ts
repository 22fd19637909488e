import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { addRecord, dropRecords, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { imageChangeDuringInit, RUNNING_AGAIN_WITHIN_MS } from './image-change-during-init.js';

const { fixture, timeline } = await recordedRun('image-change-during-init');
const check = (t = timeline) => checkScenario(imageChangeDuringInit, fixture, t);
const CHANGED = 'restartable-init-1';
const restartRule = `${CHANGED} restarts once after the image patch, running again within ${RUNNING_AGAIN_WITHIN_MS} ms`;
const newInstance = (r: TimelineRecord) =>
  r.container === CHANGED && r.kind === 'started' && r.source !== 'event' && r.restartCount === 1;

describe('image-change-during-init (upstream C12, restartPolicy Always)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar starts before init-1 is done', () => {
    const late = moveRecord(timeline, exitRecord(timeline, 'init-1'), startRecord(timeline, CHANGED).ns + 1n);
    const rule = `init-1 exits before ${CHANGED} starts`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expectBroken(check(late), rule, ['init-1', CHANGED]);
  });

  it('fails when init-2 starts before the sidecar', () => {
    const swapped = swapTimes(timeline, startRecord(timeline, CHANGED), startRecord(timeline, 'init-2'));
    const rule = `${CHANGED} starts before init-2`;
    expect(rulesWith(check(swapped))).toEqual([rule]);
    expectBroken(check(swapped), rule, [CHANGED, 'init-2']);
  });

  it('fails when the changed sidecar runs again only after upstream’s minute', () => {
    const results = check(shiftRecords(timeline, newInstance, seconds(61)));
    expect(rulesWith(results)).toEqual([restartRule]);
    expectBroken(results, restartRule, [CHANGED]);
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

  it('fails when the kubelet never says the definition changed', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: CHANGED })));
    const rule = `a Killing event names ${CHANGED} with a message matching /definition changed/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it.each(['init-1', 'init-2'])('fails when %s is restarted', (container) => {
    const restart = timeline.find({ kind: 'restarted', container: CHANGED })[0]!;
    const results = check(addRecord(timeline, { ...restart, container }));
    const rule = `${container} is never restarted`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(['restartable-init-2', 'regular-1'])('fails when %s starts before init-2 is done', (container) => {
    const results = check(
      addRecord(timeline, {
        source: 'runtime',
        kind: 'started',
        container,
        ns: endNs(timeline) - seconds(1),
        precision: 'exact',
        restartCount: 0,
      }),
    );
    const rule = `${container} never starts`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it('fails when the Pod leaves Pending', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Running', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Pending']);
    expectBroken(results, 'Pod stays Pending', ['Pending', 'Running']);
  });
});
