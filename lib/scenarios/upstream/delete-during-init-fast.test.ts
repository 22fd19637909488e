import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { BUFFER_MS, DELETE_GRACE_SECONDS, deleteDuringInitFast } from './delete-during-init-fast.js';

const { fixture, timeline } = await recordedRun('delete-during-init-fast');
const check = (t = timeline) => checkScenario(deleteDuringInitFast, fixture, t);
const WITHIN_MS = DELETE_GRACE_SECONDS * 1000 + BUFFER_MS;
const goneRule = `the Pod is gone within ${WITHIN_MS} ms of the delete request (grace ${DELETE_GRACE_SECONDS} s + ${BUFFER_MS / 1000} s)`;

describe('delete-during-init-fast (upstream C19)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod takes 10 s longer to go, as if it waited for the sidecars', () => {
    const slow = shiftRecords(timeline, where({ kind: 'pod-gone' }), seconds(10));
    expect(rulesWith(check(slow))).toEqual([goneRule]);
    expect(expectBroken(check(slow), goneRule, ['Pod gone']).measurement?.value).toBeGreaterThan(WITHIN_MS);
  });

  it('fails, saying what never came, when the Pod is never seen gone', () => {
    const results = check(dropRecords(timeline, where({ kind: 'pod-gone' })));
    expect(rulesWith(results)).toEqual([goneRule]);
    expect(expectBroken(results, goneRule, ['delete requested']).missing).toEqual(["the Pod's deletion"]);
  });

  it('fails when the kubelet never announces stopping the init container', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: 'start-init' })));
    expect(rulesWith(results)).toEqual(['a Killing event names start-init']);
    expectBroken(results, 'a Killing event names start-init', ['start-init']);
  });

  it.each(['restartable-init-1', 'restartable-init-2', 'restartable-init-3', 'regular-1'])(
    'fails when %s starts',
    (container) => {
      const killed = timeline.first({ kind: 'killing', container: 'start-init' })!;
      const started = addRecord(timeline, {
        source: 'runtime',
        kind: 'started',
        container,
        precision: 'exact',
        ns: killed.ns + 1_000_000n,
      });
      expect(rulesWith(check(started))).toEqual([`${container} never starts`]);
      expectBroken(check(started), `${container} never starts`, [container]);
    },
  );
});
