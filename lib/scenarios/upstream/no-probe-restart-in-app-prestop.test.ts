import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import {
  PRESTOP_STARTED,
  WATCHED_MS,
  noProbeRestartInAppPrestop,
} from './no-probe-restart-in-app-prestop.js';

const { fixture, timeline } = await recordedRun('no-probe-restart-in-app-prestop');
const check = (t = timeline) => checkScenario(noProbeRestartInAppPrestop, fixture, t);
const marker = `app logs /${PRESTOP_STARTED.log.source}/`;
const killRule = `no Killing event names sidecar with a message matching /failed liveness probe/ after ${marker} (sidecar watched ≥ ${WATCHED_MS} ms)`;
const startRule = `sidecar does not start again after ${marker}`;
const preStop = () =>
  timeline.find({ kind: 'log', container: 'app' }).find((r) => PRESTOP_STARTED.log.test(r.message ?? ''))!;
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);

describe('no-probe-restart-in-app-prestop (upstream C27)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the app’s liveness probe never failed', () => {
    const results = check(dropRecords(timeline, where({ kind: 'unhealthy', container: 'app' })));
    const rule = 'a Unhealthy event names app with a message matching /Liveness probe failed/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['app']);
  });

  it('fails when the sidecar is killed for its liveness probe during the app’s preStop', () => {
    const results = check(
      addRecord(timeline, {
        source: 'event',
        kind: 'killing',
        container: 'sidecar',
        reason: 'Killing',
        message: 'Init container sidecar failed liveness probe',
        precision: 'second',
        ns: wholeSecond(preStop().ns + seconds(5)),
      }),
    );
    expect(rulesWith(results)).toEqual([killRule]);
    expectBroken(results, killRule, ['sidecar', 'failed liveness probe']);
  });

  it('fails when the sidecar is started again during the app’s preStop', () => {
    const start = timeline.first({ kind: 'started', container: 'sidecar', source: 'runtime' })!;
    const results = check(addRecord(timeline, { ...start, ns: preStop().ns + seconds(6), restartCount: 1 }));
    expect(rulesWith(results)).toEqual([startRule]);
    expectBroken(results, startRule, ['sidecar']);
  });

  it('fails when the sidecar’s status shows a restart', () => {
    const restart = { source: 'status', kind: 'restarted', container: 'sidecar', restartCount: 1 } as const;
    const results = check(addRecord(timeline, { ...restart, ns: preStop().ns + seconds(4) }));
    expect(rulesWith(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });

  it('fails, saying what never came, when the app’s preStop never logged that it started', () => {
    const results = check(
      dropRecords(timeline, (r) => r.kind === 'log' && PRESTOP_STARTED.log.test(r.message ?? '')),
    );
    expect(rulesWith(results)).toEqual([killRule, startRule]);
    expect(expectBroken(results, startRule, ['sidecar']).missing).toEqual([`a line where ${marker}`]);
  });
});
