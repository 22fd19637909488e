import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { addRecord, dropRecords, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { imageChangeRunningSidecar, RUNNING_AGAIN_WITHIN_MS } from './image-change-running-sidecar.js';

const { fixture, timeline } = await recordedRun('image-change-running-sidecar');
const check = (t = timeline) => checkScenario(imageChangeRunningSidecar, fixture, t);
const CHANGED = 'restartable-init-1';
const restartRule = `${CHANGED} restarts once after the image patch, running again within ${RUNNING_AGAIN_WITHIN_MS} ms`;
const newInstance = (r: TimelineRecord) =>
  r.container === CHANGED && r.kind === 'started' && r.source !== 'event' && r.restartCount === 1;

describe('image-change-running-sidecar (upstream C11, restartPolicy Never)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the changed sidecar runs again only after upstream’s 2 minutes', () => {
    const results = check(shiftRecords(timeline, newInstance, seconds(121)));
    expect(rulesWith(results)).toEqual([restartRule]);
    expect(expectBroken(results, restartRule, [CHANGED]).measurement?.value).toBeGreaterThan(
      RUNNING_AGAIN_WITHIN_MS,
    );
  });

  it('fails when the changed sidecar restarts a second time', () => {
    const again = timeline
      .find({ kind: 'started', container: CHANGED, source: 'runtime' })
      .find((r) => r.restartCount === 1)!;
    const results = check(addRecord(timeline, { ...again, ns: endNs(timeline), restartCount: 2 }));
    expect(rulesWith(results)).toEqual([restartRule]);
    expect(expectBroken(results, restartRule, [CHANGED]).actual).toContain(
      '2 instance(s) started after the patch',
    );
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
    expectBroken(results, rule, [CHANGED, TEST_IMAGE]);
  });

  it('fails when the kubelet never says the definition changed', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: CHANGED })));
    const rule = `a Killing event names ${CHANGED} with a message matching /definition changed/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [CHANGED]);
  });

  it.each(['restartable-init-2', 'regular-1'])('fails when %s is restarted too', (container) => {
    const restart = timeline.find({ kind: 'restarted', container: CHANGED })[0]!;
    const results = check(addRecord(timeline, { ...restart, container }));
    const rule = `${container} is never restarted`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, [container]).actual).toBe('restartCount 1');
  });

  it('fails when the Pod leaves Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Succeeded', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Succeeded']);
  });
});
