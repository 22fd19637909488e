import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { Timeline } from '../../timeline/timeline.js';
import {
  BUFFER_MS,
  GRACE_SECONDS,
  imageChangeDuringTermination,
  STOP_MS,
  WATCHED_MS,
} from './image-change-during-termination.js';

const { fixture, timeline } = await recordedRun('image-change-during-termination');
const check = (t = timeline) => checkScenario(imageChangeDuringTermination, fixture, t);
const CHANGED = 'restartable-init-2';
const deleted = timeline.first({ kind: 'delete-requested' })!;
const patchRule = 'the image patch is made after the delete request and before the Pod is gone';
const killRule = `no Killing event names ${CHANGED} with a message matching /definition changed/ after the delete (${CHANGED} watched ≥ ${WATCHED_MS} ms)`;
const goneRule = `the Pod is gone within ${STOP_MS + BUFFER_MS} ms of the delete request (${CHANGED}'s ${STOP_MS / 1000} s stop + ${BUFFER_MS / 1000} s, against a ${GRACE_SECONDS} s grace period)`;

/** What the kubelet would do once KEP-4438 lands: kill the changed sidecar for its new spec and start it again. */
function restartedDuringTermination(t: Timeline, container: string, afterDeleteS: number): Timeline {
  const at = deleted.ns + seconds(afterDeleteS);
  const killed = addRecord(t, {
    source: 'event',
    kind: 'killing',
    reason: 'Killing',
    container,
    precision: 'second',
    message: `Container ${container} definition changed, will be restarted`,
    ns: at,
  });
  const restarted = addRecord(killed, {
    source: 'status',
    kind: 'restarted',
    container,
    precision: 'second',
    restartCount: 1,
    ns: at + seconds(1),
  });
  return addRecord(restarted, {
    source: 'status',
    kind: 'started',
    container,
    precision: 'second',
    restartCount: 1,
    ns: at + seconds(1),
  });
}

describe('image-change-during-termination (upstream C15, restartPolicy Always; expected to change with KEP-4438)', () => {
  it('passes every rule on the recorded run, and measures how long the Pod took to go', () => {
    const results = check();
    expect(rulesWith(results, 'fail')).toEqual([]);
    expect(rulesWith(results, 'undecided')).toEqual([]);
    const gone = results.find((r) => r.rule === goneRule)!;
    expect(gone.measurement?.value).toBeGreaterThan(3 * STOP_MS - 1000);
    expect(gone.measurement?.value).toBeLessThan(GRACE_SECONDS * 1000);
  });

  it('fails when the image was patched before the delete, not during termination', () => {
    const early = moveRecord(timeline, timeline.first({ kind: 'patched' })!, deleted.ns - 1_000_000n);
    expect(rulesWith(check(early))).toEqual([patchRule]);
    expectBroken(check(early), patchRule, ['image patch', 'delete requested']);
  });

  it('fails when no image patch was made', () => {
    const results = check(dropRecords(timeline, where({ kind: 'patched' })));
    expect(rulesWith(results)).toEqual([patchRule]);
    expect(expectBroken(results, patchRule, ['delete requested']).missing).toEqual(['the image patch']);
  });

  it('fails, as it should once KEP-4438 lands, when the changed sidecar is restarted with its new image during termination', () => {
    const results = check(restartedDuringTermination(timeline, CHANGED, 5));
    expect(rulesWith(results)).toEqual([
      killRule,
      `${CHANGED} does not start again after the delete`,
      `${CHANGED} is never restarted`,
    ]);
    expectBroken(results, killRule, [CHANGED]);
    expectBroken(results, `${CHANGED} does not start again after the delete`, [CHANGED]);
  });

  it('fails when the other sidecar starts again after the delete', () => {
    const container = 'restartable-init-3';
    const started = addRecord(timeline, {
      source: 'status',
      kind: 'started',
      container,
      precision: 'second',
      restartCount: 0,
      ns: deleted.ns + seconds(25),
    });
    const rule = `${container} does not start again after the delete`;
    expect(rulesWith(check(started))).toEqual([rule]);
    expectBroken(check(started), rule, [container]);
  });

  it.each(['init-1', 'restartable-init-3'])('fails when %s is restarted', (container) => {
    const restart = addRecord(timeline, {
      source: 'status',
      kind: 'restarted',
      container,
      precision: 'second',
      restartCount: 1,
      ns: deleted.ns + seconds(12),
    });
    const rule = `${container} is never restarted`;
    expect(rulesWith(check(restart))).toEqual([rule]);
    expectBroken(check(restart), rule, [container]);
  });

  it('is undecided, never passed, when the changed sidecar was watched less than upstream’s 20 s', () => {
    const exit = timeline.find({ kind: 'terminated', container: CHANGED, source: 'status' }).at(-1)!;
    const short = moveRecord(timeline, exit, deleted.ns + seconds(10));
    expect(rulesWith(check(short), 'undecided')).toEqual([killRule]);
    expect(rulesWith(check(short))).toEqual([]);
  });

  it('fails when the Pod is gone only after the 70 s upstream allows', () => {
    const slow = shiftRecords(timeline, where({ kind: 'pod-gone' }), seconds(45));
    expect(rulesWith(check(slow))).toEqual([goneRule]);
    expect(expectBroken(check(slow), goneRule, ['Pod gone']).measurement?.value).toBeGreaterThan(
      STOP_MS + BUFFER_MS,
    );
  });

  it('fails when the Pod is never seen gone', () => {
    const results = check(dropRecords(timeline, where({ kind: 'pod-gone' })));
    expect(rulesWith(results)).toEqual([patchRule, goneRule]);
    expect(expectBroken(results, goneRule, ['delete requested']).missing).toEqual(["the Pod's deletion"]);
  });
});
