import { describe, expect, it } from 'vitest';
import { addRecord, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { WATCHED_MS, sidecarLivenessOffOnTermination } from './sidecar-liveness-off-on-termination.js';

const { fixture, timeline } = await recordedRun('sidecar-liveness-off-on-termination');
const check = (t = timeline) => checkScenario(sidecarLivenessOffOnTermination, fixture, t);
const killRule = `no Killing event names sidecar with a message matching /failed liveness probe/ after the delete (sidecar watched ≥ ${WATCHED_MS} ms)`;
const startRule = 'sidecar does not start again after the delete';
const deleted = () => timeline.first({ kind: 'delete-requested' })!;
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const livenessKill = (ns: bigint) =>
  ({
    source: 'event',
    kind: 'killing',
    container: 'sidecar',
    reason: 'Killing',
    message: 'Init container sidecar failed liveness probe',
    precision: 'second',
    ns: wholeSecond(ns),
  }) as const;

describe('sidecar-liveness-off-on-termination (upstream P11)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the kubelet kills the sidecar for its liveness probe during termination', () => {
    const results = check(addRecord(timeline, livenessKill(deleted().ns + seconds(6))));
    expect(rulesWith(results)).toEqual([killRule]);
    expect(expectBroken(results, killRule, ['sidecar', 'failed liveness probe']).measurement?.value).toBe(1);
  });

  it('is undecided when such a kill falls in the second of the delete', () => {
    const results = check(addRecord(timeline, livenessKill(deleted().ns)));
    expect(rulesWith(results, 'undecided')).toEqual([killRule]);
    expect(rulesWith(results)).toEqual([]);
  });

  it('is undecided when the sidecar was watched for less than the window', () => {
    const exits = (r: { container?: string; kind: string }) =>
      r.container === 'sidecar' && r.kind === 'terminated';
    const exit = timeline.find({ kind: 'terminated', container: 'sidecar', source: 'runtime' })[0]!;
    const results = check(shiftRecords(timeline, exits, deleted().ns + seconds(3) - exit.ns));
    expect(rulesWith(results, 'undecided')).toEqual([killRule]);
  });

  it('fails when the sidecar is started again during termination', () => {
    const start = timeline.first({ kind: 'started', container: 'sidecar', source: 'runtime' })!;
    const results = check(addRecord(timeline, { ...start, ns: deleted().ns + seconds(5), restartCount: 1 }));
    expect(rulesWith(results)).toEqual([startRule]);
    expectBroken(results, startRule, ['sidecar']);
  });

  it('fails when the sidecar is killed instead of ending by its SIGTERM handler', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container: 'sidecar', source: 'status' }), {
        reason: 'Error',
        exitCode: 137,
      }),
    );
    const rule = 'sidecar ends Completed with exit code 0';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar']);
  });

  it('fails when the sidecar’s status shows a restart', () => {
    const restart = { source: 'status', kind: 'restarted', container: 'sidecar', restartCount: 1 } as const;
    const results = check(addRecord(timeline, { ...restart, ns: deleted().ns + seconds(4) }));
    expect(rulesWith(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });
});
