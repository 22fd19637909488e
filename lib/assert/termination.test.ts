import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { patchRecords, shiftRecords, where } from '../testing/mutate.js';
import type { RecordSource, TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import {
  graceExpiryOf,
  graceExpiryReport,
  reverseShutdownOrder,
  shutdownStart,
  shutdownWithinBudget,
} from './termination.js';

let seq = 0;
const T = (s: string) => `2026-12-01T09:00:${s}Z`;
function rec(
  kind: TimelineRecord['kind'],
  container: string | undefined,
  time: string,
  source: RecordSource,
  extra: Partial<TimelineRecord> = {},
): TimelineRecord {
  const ns = parseTimeNs(time);
  const precision = source === 'runtime' ? 'exact' : source === 'harness' ? 'observed' : 'second';
  return {
    seq: seq++,
    source,
    kind,
    ...(container ? { container } : {}),
    time,
    ns,
    precision,
    observedNs: ns,
    ...extra,
  };
}
const killing = (container: string, second: string) =>
  rec('killing', container, T(second), 'event', {
    reason: 'Killing',
    message: `Stopping container ${container}`,
  });
/** A container's exit as the runtime (ns) and the status (whole second) give it. */
const exit = (container: string, at: string, exitCode = 0) => [
  rec('terminated', container, T(at), 'runtime', { exitCode }),
  rec('terminated', container, T(at.split('.')[0] as string), 'status', {
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    observedNs: parseTimeNs(T(at)) + 40_000_000n,
  }),
];
const started = (container: string, at: string) => rec('started', container, T(at), 'runtime');

const containers = ['first-sidecar', 'second-sidecar', 'app'];

/**
 * The Pod of manifests/examples/prestop-outlasts-grace.yaml (grace 5 s): deleted at 10.300, every
 * container's kill starts at 10; the app exits on SIGTERM; both sidecars' preStop hooks spend the
 * whole budget, so at 15 both get SIGTERM, ignore it and are killed (exit 137) at 17, 2 s later.
 */
const preStopOutlastsGrace = () =>
  new Timeline([
    started('first-sidecar', '01.100'),
    started('second-sidecar', '01.300'),
    started('app', '01.500'),
    rec('delete-requested', undefined, T('10.300'), 'harness'),
    ...containers.map((c) => killing(c, '10')),
    ...exit('app', '10.350'),
    ...exit('second-sidecar', '17.012', 137),
    ...exit('first-sidecar', '17.020', 137),
  ]);

const grace5 = { graceSeconds: 5, containers, apps: ['app'] };

describe('two sidecars whose preStop hooks never end (grace 5 s)', () => {
  it('pass: the shutdown ends within grace + 2 s + tolerance', () => {
    const result = shutdownWithinBudget(preStopOutlastsGrace(), { ...grace5, toleranceMs: 2000 });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: "the Pod's shutdown ends within its 5 s grace period + 2 s + 2000 ms",
      measurement: { value: 7020, unit: 'ms', max: 9000 },
    });
    expect(result.actual).toBe(
      '7020 ms, between 6020 and 7020 ms at whole-second precision (Killing 09:00:10.000 (event, whole second) → first-sidecar exited 09:00:17.020 (runtime))',
    );
  });

  it('reports both sidecars as stopped together when the grace period ran out, who and when', () => {
    const result = graceExpiryReport(preStopOutlastsGrace(), { ...grace5, toleranceMs: 2000 });
    expect(result.verdict).toBe('pass');
    expect(result.rule).toBe(
      'first-sidecar, second-sidecar stopped together when the 5 s grace period ran out',
    );
    expect(result.actual).toBe(
      'the grace period ran out at 09:00:15.000 (whole second); first-sidecar killed (exit 137) at 09:00:17.020 (runtime), 2020 ms after expiry; second-sidecar killed (exit 137) at 09:00:17.012 (runtime), 2012 ms after expiry (the kubelet began stopping the Pod 09:00:10.000 (event, whole second))',
    );
  });

  it('does not hold the two killed sidecars to the reverse order, only to stopping after the app', () => {
    const timeline = preStopOutlastsGrace();
    const rules = reverseShutdownOrder(timeline, {
      ...grace5,
      sidecars: ['first-sidecar', 'second-sidecar'],
    });
    expect(rules.map((r) => [r.rule, r.verdict])).toEqual([['app exits before second-sidecar', 'pass']]);
    // Killed in the "wrong" order (first-sidecar a few ms before second-sidecar): still no violation.
    const swapped = shiftRecords(
      timeline,
      where({ container: 'first-sidecar', kind: 'terminated' }),
      -20_000_000n,
    );
    expect(
      reverseShutdownOrder(swapped, { ...grace5, sidecars: ['first-sidecar', 'second-sidecar'] }).map(
        (r) => r.verdict,
      ),
    ).toEqual(['pass']);
  });

  it('fails the budget when the last kill comes too late, naming the container and times', () => {
    const late = shiftRecords(
      preStopOutlastsGrace(),
      where({ container: 'first-sidecar', kind: 'terminated' }),
      3_000_000_000n,
    );
    const result = shutdownWithinBudget(late, { ...grace5, toleranceMs: 2000 });
    expect(result.verdict).toBe('fail');
    expect(explainAssertion(result)).toContain(
      '10020 ms, between 9020 and 10020 ms at whole-second precision (Killing 09:00:10.000 (event, whole second) → first-sidecar exited 09:00:20.020 (runtime))',
    );
    expect(graceExpiryReport(late, { ...grace5, toleranceMs: 2000 })).toMatchObject({
      verdict: 'fail',
      actual: expect.stringContaining('first-sidecar was stopped more than 4000 ms after it ran out'),
    });
  });

  it('fails the grace report when a sidecar was killed before the budget can have run out', () => {
    const early = shiftRecords(
      preStopOutlastsGrace(),
      where({ container: 'second-sidecar', kind: 'terminated' }),
      -5_000_000_000n,
    );
    const result = graceExpiryReport(early, { ...grace5, toleranceMs: 2000 });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain(
      'second-sidecar was killed before its grace period ran out: the grace period ran out at 09:00:15.000 (whole second); first-sidecar killed (exit 137) at 09:00:17.020 (runtime), 2020 ms after expiry; second-sidecar killed (exit 137) at 09:00:12.012 (runtime), 2988 ms before expiry',
    );
  });
});

/**
 * manifests/examples/three-sidecars-different-delays.yaml: deleted at 40.200, the app exits at once,
 * then metrics (4 s), proxy (2 s), log-shipper (1 s), in reverse order; grace 30 s, never reached.
 */
const inOrder = () =>
  new Timeline([
    rec('delete-requested', undefined, T('40.200'), 'harness'),
    ...['log-shipper', 'proxy', 'metrics', 'app'].map((c) => killing(c, '40')),
    ...exit('app', '40.400'),
    ...exit('metrics', '44.450'),
    ...exit('proxy', '46.500'),
    ...exit('log-shipper', '47.550'),
  ]);
const grace30 = {
  graceSeconds: 30,
  containers: ['log-shipper', 'proxy', 'metrics', 'app'],
  apps: ['app'],
  sidecars: ['log-shipper', 'proxy', 'metrics'],
};

describe('an in-order shutdown within the grace period', () => {
  it('passes the reverse order with each gap measured, and reports no grace expiry', () => {
    const rules = reverseShutdownOrder(inOrder(), grace30);
    expect(rules.map((r) => [r.rule, r.verdict, r.measurement?.value])).toEqual([
      ['metrics stops 0–30000 ms after app', 'pass', 4050],
      ['proxy stops 0–30000 ms after metrics', 'pass', 2050],
      ['log-shipper stops 0–30000 ms after proxy', 'pass', 1050],
    ]);
    const report = graceExpiryReport(inOrder(), { ...grace30, toleranceMs: 2000 });
    expect(report).toMatchObject({
      verdict: 'pass',
      rule: 'every container stops before the 30 s grace period runs out',
      actual: 'no container was killed or stopped at or after 09:01:10.000 (whole second)',
    });
    expect(shutdownWithinBudget(inOrder(), { ...grace30, toleranceMs: 2000 }).verdict).toBe('pass');
  });

  it('fails when a sidecar stops before the one declared after it, naming both and their times', () => {
    const broken = shiftRecords(
      inOrder(),
      where({ container: 'log-shipper', kind: 'terminated' }),
      -2_000_000_000n,
    );
    const rules = reverseShutdownOrder(broken, grace30);
    const failedRule = rules.find((r) => r.verdict === 'fail');
    expect(failedRule?.rule).toBe('log-shipper stops 0–30000 ms after proxy');
    expect(failedRule?.actual).toBe(
      '-950 ms (proxy 09:00:46.500 (runtime) → log-shipper 09:00:45.550 (runtime))',
    );
  });

  it('fails when a sidecar stops before the app', () => {
    const broken = shiftRecords(inOrder(), where({ container: 'app', kind: 'terminated' }), 5_000_000_000n);
    expect(reverseShutdownOrder(broken, grace30)[0]).toMatchObject({
      verdict: 'fail',
      actual: '-950 ms (app 09:00:45.400 (runtime) → metrics 09:00:44.450 (runtime))',
    });
  });

  it('is undecided, never failed, on two status exits in the same second', () => {
    const coarse = new Timeline(
      patchRecords(inOrder(), where({ container: 'log-shipper', kind: 'terminated', source: 'status' }), {
        ns: parseTimeNs(T('46')),
        time: T('46'),
      }).records.filter((r) => r.source !== 'runtime'),
    );
    const rule = reverseShutdownOrder(coarse, grace30).find((r) => r.rule.startsWith('log-shipper'));
    expect(rule?.verdict).toBe('undecided');
  });
});

describe('a sidecar killed at grace expiry is held to the order but not to a gap', () => {
  // Grace 5 s: second-sidecar stops at once; first-sidecar ignores SIGTERM and is killed at 17.
  const timeline = () =>
    new Timeline([
      rec('delete-requested', undefined, T('10.300'), 'harness'),
      ...containers.map((c) => killing(c, '10')),
      ...exit('app', '10.350'),
      ...exit('second-sidecar', '10.500'),
      ...exit('first-sidecar', '17.010', 137),
    ]);

  it('checks first-sidecar only to exit after second-sidecar', () => {
    const rules = reverseShutdownOrder(timeline(), {
      ...grace5,
      sidecars: ['first-sidecar', 'second-sidecar'],
    });
    expect(rules.map((r) => [r.rule, r.verdict])).toEqual([
      ['second-sidecar stops 0–5000 ms after app', 'pass'],
      ['second-sidecar exits before first-sidecar', 'pass'],
    ]);
    expect(graceExpiryOf(timeline(), grace5)?.stopped.map((s) => [s.container, s.killed])).toEqual([
      ['first-sidecar', true],
    ]);
    expect(graceExpiryReport(timeline(), { ...grace5, toleranceMs: 2000 }).rule).toBe(
      'first-sidecar was stopped when the 5 s grace period ran out',
    );
  });

  it('still fails when the killed sidecar exited before the one it must outlive', () => {
    const broken = shiftRecords(
      timeline(),
      where({ container: 'first-sidecar', kind: 'terminated' }),
      -6_700_000_000n,
    );
    const rules = reverseShutdownOrder(broken, { ...grace5, sidecars: ['first-sidecar', 'second-sidecar'] });
    expect(rules.find((r) => r.verdict === 'fail')?.actual).toBe(
      'second-sidecar exited 09:00:10.500 (runtime), first-sidecar exited 09:00:10.310 (runtime)',
    );
    expect(graceExpiryReport(broken, { ...grace5, toleranceMs: 2000 }).verdict).toBe('fail');
  });
});

describe('shutdownStart', () => {
  it('is the first Killing event from the delete on', () => {
    expect(shutdownStart(inOrder(), { apps: ['app'] })).toMatchObject({ reason: 'Killing', time: T('40') });
  });

  it('for a Pod that completes by itself, the first Killing after the last app exited', () => {
    const completes = new Timeline([
      rec('killing', 'app', T('02'), 'event', { reason: 'Killing' }),
      ...exit('app', '05.100'),
      killing('sidecar', '05'),
      ...exit('sidecar', '05.600'),
    ]);
    expect(shutdownStart(completes, { apps: ['app'] })).toMatchObject({
      container: 'sidecar',
      time: T('05'),
    });
    expect(
      shutdownWithinBudget(completes, {
        graceSeconds: 30,
        containers: ['sidecar', 'app'],
        apps: ['app'],
        toleranceMs: 0,
      }).verdict,
    ).toBe('pass');
  });

  it('is the delete itself when no Killing event was seen, and nothing before', () => {
    const noEvents = new Timeline(inOrder().records.filter((r) => r.kind !== 'killing'));
    expect(shutdownStart(noEvents, { apps: ['app'] })?.kind).toBe('delete-requested');
    const result = shutdownWithinBudget(new Timeline([]), { ...grace30, toleranceMs: 0 });
    expect(result).toMatchObject({
      verdict: 'fail',
      actual: 'the shutdown was never seen to begin (no delete, no Killing event, no app exit)',
    });
  });
});
