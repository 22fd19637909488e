import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, patchRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { STARTUP_RESTARTS, sidecarStartupFailRestarts } from './sidecar-startup-fail-restarts.js';

const { fixture, timeline } = await recordedRun('sidecar-startup-fail-restarts');
const check = (t = timeline) => checkScenario(sidecarStartupFailRestarts, fixture, t);
const killing = () => timeline.first({ kind: 'killing', container: 'sidecar' })!;

describe('sidecar-startup-fail-restarts (upstream P6)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar is never restarted', () => {
    const dropped = dropRecords(timeline, where({ kind: 'restarted', container: 'sidecar' }));
    const results = check(
      patchRecords(dropped, where({ source: 'status', container: 'sidecar' }), { restartCount: 0 }),
    );
    const rule = `sidecar has restarted ≥ ${STARTUP_RESTARTS} time`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBe(0);
  });

  it('fails when the startup probe never reports a failure', () => {
    const results = check(dropRecords(timeline, where({ kind: 'unhealthy', container: 'sidecar' })));
    const rule = 'a Unhealthy event names sidecar with a message matching /Startup probe failed/';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).missing).toEqual(['a Unhealthy event of sidecar']);
  });

  it('fails when the kubelet does not say the startup probe was why it killed the sidecar', () => {
    const results = check(
      patchRecords(timeline, where({ kind: 'killing', container: 'sidecar' }), {
        message: 'Stopping container sidecar',
      }),
    );
    const rule = 'a Killing event names sidecar with a message matching /failed startup probe/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar']);
  });

  it('fails when the liveness probe (which passes) kills the sidecar', () => {
    const results = check(
      addRecord(timeline, {
        ...killing(),
        ns: killing().ns + seconds(1),
        message: 'Init container sidecar failed liveness probe',
      }),
    );
    const rule = 'no Killing event names sidecar with a message matching /failed liveness probe/';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar', 'failed liveness probe']).measurement?.value).toBe(1);
  });

  it('fails when the sidecar reports started: true', () => {
    const start = timeline.first({ kind: 'started', container: 'sidecar', source: 'runtime' })!;
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'startup-passed',
        container: 'sidecar',
        ns: start.ns + seconds(3),
      }),
    );
    const rule = 'sidecar never reports started: true';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar']);
  });

  it('fails when the app starts', () => {
    const start = timeline.first({ kind: 'started', container: 'sidecar', source: 'runtime' })!;
    const results = check(addRecord(timeline, { ...start, container: 'app', ns: start.ns + seconds(2) }));
    expect(rulesWith(results)).toEqual(['app never starts']);
    expectBroken(results, 'app never starts', ['app']);
  });

  it('fails when the Pod leaves Pending', () => {
    const running = { source: 'status', kind: 'pod-phase', reason: 'Running' } as const;
    const results = check(addRecord(timeline, { ...running, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['Pod stays Pending']);
    expectBroken(results, 'Pod stays Pending', ['Pending', 'Running', '<pod>']);
  });
});
