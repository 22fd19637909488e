import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, patchRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { INITIAL_DELAY_MS, sidecarLivenessFailRestarts } from './sidecar-liveness-fail-restarts.js';

const { fixture, timeline } = await recordedRun('sidecar-liveness-fail-restarts');
const check = (t = timeline) => checkScenario(sidecarLivenessFailRestarts, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const delayRule = `the first Unhealthy event of sidecar matching /Liveness probe failed/ comes no earlier than ${INITIAL_DELAY_MS} ms after its start`;

describe('sidecar-liveness-fail-restarts (upstream P3)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar is never restarted', () => {
    const dropped = dropRecords(timeline, where({ kind: 'restarted', container: 'sidecar' }));
    const results = check(
      patchRecords(dropped, where({ source: 'status', container: 'sidecar' }), { restartCount: 0 }),
    );
    expect(rulesWith(results)).toEqual(['sidecar has restarted ≥ 1 time']);
    expect(expectBroken(results, 'sidecar has restarted ≥ 1 time', ['sidecar']).measurement?.value).toBe(0);
  });

  it('fails when the probe fails for another reason than the 500 of /healthz', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'unhealthy', container: 'sidecar' }), {
        message: 'Liveness probe failed: Get "http://10.244.0.9:8080/healthz": connection refused',
      }),
    );
    const rule =
      'a Unhealthy event names sidecar with a message matching /Liveness probe failed: HTTP probe failed with statuscode: 500/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar', 'connection refused']);
  });

  it('fails when the kubelet does not say the liveness probe was why it killed the sidecar', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'killing', container: 'sidecar' }), {
        message: 'Stopping container sidecar',
      }),
    );
    const rule = 'a Killing event names sidecar with a message matching /failed liveness probe/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar']);
  });

  it('fails when the probe failed 5 s after the start, before its initial delay', () => {
    const unhealthy = timeline.first({ kind: 'unhealthy', container: 'sidecar' })!;
    const early = wholeSecond(startRecord(timeline, 'sidecar').ns) + seconds(4);
    const results = check(moveRecord(timeline, unhealthy, early));
    expect(rulesWith(results)).toEqual([delayRule]);
    expect(expectBroken(results, delayRule, ['sidecar']).measurement?.value).toBeLessThan(INITIAL_DELAY_MS);
  });

  it('fails when the app restarts', () => {
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'restarted',
        container: 'main',
        restartCount: 1,
        ns: wholeSecond(endNs(timeline)),
        precision: 'second',
      }),
    );
    expect(rulesWith(results)).toEqual(['main is never restarted']);
    expectBroken(results, 'main is never restarted', ['main']);
  });
});
