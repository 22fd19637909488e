import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import {
  BUFFER_MS,
  GRACE_SECONDS,
  nonStartedSidecarTermination,
  STOP_MS,
} from './non-started-sidecar-termination.js';

const { fixture, timeline } = await recordedRun('non-started-sidecar-termination');
const check = (t = timeline) => checkScenario(nonStartedSidecarTermination, fixture, t);
const RUNNING = 'restartable-init-2';
const WITHIN_MS = STOP_MS + BUFFER_MS;
const goneRule = `the Pod is gone within ${WITHIN_MS} ms of the delete request (${RUNNING}'s ${STOP_MS / 1000} s stop + ${BUFFER_MS / 1000} s, against a ${GRACE_SECONDS} s grace period)`;

describe('non-started-sidecar-termination (upstream C20)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod goes only once the 60 s grace period ran out (kubernetes#125880)', () => {
    const hung = shiftRecords(timeline, where({ kind: 'pod-gone' }), seconds(GRACE_SECONDS));
    expect(rulesWith(check(hung))).toEqual([goneRule]);
    expect(expectBroken(check(hung), goneRule, ['Pod gone']).measurement?.value).toBeGreaterThan(
      GRACE_SECONDS * 1000,
    );
  });

  it('fails when the sidecar reports started', () => {
    const started = addRecord(timeline, {
      source: 'status',
      kind: 'startup-passed',
      container: RUNNING,
      ns: startRecord(timeline, RUNNING).ns + seconds(1),
    });
    expect(rulesWith(check(started))).toEqual([`${RUNNING} never reports started: true`]);
    expectBroken(check(started), `${RUNNING} never reports started: true`, [RUNNING]);
  });

  it('fails when the kubelet never announces stopping the sidecar', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: RUNNING })));
    expect(rulesWith(results)).toEqual([`a Killing event names ${RUNNING}`]);
    expectBroken(results, `a Killing event names ${RUNNING}`, [RUNNING]);
  });

  it('fails when the sidecar is killed instead of stopping on SIGTERM', () => {
    const killed = patchRecords(
      timeline,
      where({ kind: 'terminated', source: 'status', container: RUNNING }),
      {
        exitCode: 137,
        reason: 'Error',
      },
    );
    const rule = `${RUNNING} ends Completed with exit code 0`;
    expect(rulesWith(check(killed))).toEqual([rule]);
    expectBroken(check(killed), rule, [RUNNING]);
  });

  it.each(['restartable-init-3', 'regular-1'])('fails when %s starts', (container) => {
    const started = addRecord(timeline, {
      source: 'runtime',
      kind: 'started',
      container,
      precision: 'exact',
      ns: startRecord(timeline, RUNNING).ns + seconds(1),
    });
    expect(rulesWith(check(started))).toEqual([`${container} never starts`]);
    expectBroken(check(started), `${container} never starts`, [container]);
  });
});
