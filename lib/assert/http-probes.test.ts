import { describe, expect, it } from 'vitest';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';
import {
  exitsAfterLineOf,
  firstEventNotBefore,
  logsLineWithin,
  neverReadyFor,
  notRestartedFor,
  podReadyNotBefore,
  restartCountNeverDecreases,
} from './http-probes.js';

/**
 * Hand-built timelines: a sidecar started at 01.200 (runtime, ns); statuses and Events carry whole
 * seconds, log lines and runtime records nanoseconds; the harness watched until 62.000.
 */
const T = (s: string) => `2026-12-01T09:00:${s}Z`;
const M = (s: string) => `2026-12-01T09:01:${s}Z`;
const harness = (kind: TimelineRecord['kind'], time: string) => ({
  ...record(kind, '', time, 'harness', { precision: 'observed', time: '' }),
  container: undefined,
});
const started = record('started', 'sidecar', T('01.200'), 'runtime', { restartCount: 0 });
const until = harness('observed-until', M('02.000'));
const timeline = (...extra: TimelineRecord[]) => new Timeline([started, until, ...extra]);
const podReady = (s: string) => ({ ...record('pod-ready', '', T(s), 'status'), container: undefined });
const status = (kind: TimelineRecord['kind'], s: string, restartCount: number) =>
  record(kind, 'sidecar', T(s), 'status', { restartCount });
const log = (container: string, s: string, message: string) =>
  record('log', container, T(s), 'log', { message });

describe('podReadyNotBefore', () => {
  const rule = { container: 'sidecar', delayMs: 15_000 };

  it('passes when the Ready condition turned True after the delay, measuring the time', () => {
    const result = podReadyNotBefore(timeline(podReady('20')), rule);
    expect(result.rule).toBe('Pod turns Ready no earlier than 15000 ms after sidecar started');
    expect(result.verdict).toBe('pass');
    expect(result.measurement).toEqual({ value: 18_800, unit: 'ms', min: 15_000 });
    expect(result.actual).toContain('between 18800 and 19800 ms at whole-second precision');
  });

  it('fails when it turned True before the delay, undecided when its second straddles it', () => {
    expect(podReadyNotBefore(timeline(podReady('10')), rule).verdict).toBe('fail');
    // 16.000–16.999 minus 01.200: 14.8–15.8 s.
    expect(podReadyNotBefore(timeline(podReady('16')), rule).verdict).toBe('undecided');
  });

  it('fails, naming what is missing, when the Pod never turned Ready', () => {
    const result = podReadyNotBefore(timeline(), rule);
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['a Pod Ready=True']);
  });
});

describe('firstEventNotBefore', () => {
  const unhealthy = (s: string) =>
    record('unhealthy', 'sidecar', T(s), 'event', {
      reason: 'Unhealthy',
      message: 'Liveness probe failed: HTTP probe failed with statuscode: 500',
    });
  const rule = {
    container: 'sidecar',
    reason: 'Unhealthy',
    message: /Liveness probe failed/,
    delayMs: 15_000,
  };

  it('passes when the first such Event comes after the delay and fails when it comes before', () => {
    const pass = firstEventNotBefore(timeline(unhealthy('17'), unhealthy('27')), rule);
    expect(pass.verdict).toBe('pass');
    expect(pass.measurement?.value).toBe(15_800);
    expect(firstEventNotBefore(timeline(unhealthy('05'), unhealthy('27')), rule).verdict).toBe('fail');
  });

  it('fails when there is none', () => {
    expect(firstEventNotBefore(timeline(), rule).missing).toEqual(['a Unhealthy event of sidecar']);
  });
});

describe('neverReadyFor', () => {
  const rule = { container: 'sidecar', forMs: 60_000 };

  it('passes with no ready over the window watched', () => {
    const result = neverReadyFor(timeline(), rule);
    expect(result).toMatchObject({ verdict: 'pass', claim: 'absence' });
    expect(result.actual).toBe(
      'never ready in the 60800 ms watched after sidecar started 09:00:01.200 (runtime) (until 09:01:02.000)',
    );
  });

  it('fails when the container or the Pod turned ready', () => {
    const ready = record('ready', 'sidecar', T('30'), 'status', { precision: 'observed' });
    expect(neverReadyFor(timeline(ready), rule).actual).toBe('sidecar ready 09:00:30.000 (status)');
    expect(neverReadyFor(timeline(podReady('31')), rule).actual).toBe(
      'Pod Ready=True 09:00:31.000 (status, whole second)',
    );
  });

  it('is undecided when the window was shorter', () => {
    const short = new Timeline([started, harness('observed-until', T('31.200'))]);
    expect(neverReadyFor(short, rule)).toMatchObject({ verdict: 'undecided' });
  });
});

describe('notRestartedFor', () => {
  const rule = { container: 'sidecar', forMs: 60_000 };

  it('passes with restartCount 0 over the window, fails on a restart, is undecided on a short window', () => {
    expect(notRestartedFor(timeline(status('ready', '20', 0)), rule).verdict).toBe('pass');
    const restarted = notRestartedFor(timeline(status('restarted', '20', 1)), rule);
    expect(restarted.verdict).toBe('fail');
    expect(restarted.actual).toBe('restartCount 1, first restart 09:00:20.000 (status, whole second)');
    const short = new Timeline([started, harness('observed-until', T('40.000'))]);
    expect(notRestartedFor(short, rule).actual).toBe(
      'restartCount 0, but only 38800 ms watched after it started 09:00:01.200 (runtime)',
    );
  });
});

describe('restartCountNeverDecreases', () => {
  it('passes on counts that only grow, in the order they were seen', () => {
    const result = restartCountNeverDecreases(
      timeline(status('started', '02', 0), status('restarted', '20', 1), status('restarted', '45', 2)),
      { container: 'sidecar' },
    );
    expect(result.verdict).toBe('pass');
    expect(result.actual).toBe('3 statuses seen, restartCount 0 → 1 → 2');
  });

  it('fails on a status with a lower count seen after a higher one', () => {
    const result = restartCountNeverDecreases(
      timeline(status('restarted', '20', 2), status('ready', '30', 1)),
      { container: 'sidecar' },
    );
    expect(result.verdict).toBe('fail');
    expect(result.actual).toBe(
      'restartCount 2 seen 09:00:20.000 (status, whole second), then 1 seen 09:00:30.000 (status, whole second)',
    );
  });
});

describe('logsLineWithin', () => {
  const line = /GET \/echo\?msg=prestop/;

  it('passes on the first matching line after the delete, within the bound', () => {
    const t = timeline(
      harness('delete-requested', T('10.000')),
      log('handler', '05.000', 'GET /echo?msg=prestop&code='),
      log('handler', '12.500', 'GET /echo?msg=prestop&code='),
    );
    const result = logsLineWithin(t, { container: 'handler', line, after: 'delete', withinMs: 30_000 });
    expect(result.rule).toBe('handler logs /GET \\/echo\\?msg=prestop/ within 30000 ms after the delete');
    expect(result.verdict).toBe('pass');
    expect(result.measurement?.value).toBe(2_500);
  });

  it('fails on a line too late, or only before the moment', () => {
    const late = timeline(
      harness('delete-requested', T('10.000')),
      log('handler', '45.000', 'GET /echo?msg=prestop'),
    );
    expect(
      logsLineWithin(late, { container: 'handler', line, after: 'delete', withinMs: 30_000 }).verdict,
    ).toBe('fail');
    const before = timeline(log('handler', '01.000', 'GET /echo?msg=poststart&code='));
    const result = logsLineWithin(before, {
      container: 'handler',
      line: /msg=poststart/,
      after: { startOf: 'sidecar' },
      withinMs: 120_000,
    });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('its 1 matching line(s) came before, first 09:00:01.000 (log)');
  });
});

describe('exitsAfterLineOf', () => {
  const line = /msg=prestop/;
  const exit = (s: string) => record('terminated', 'sidecar', T(s), 'runtime', { exitCode: 2 });

  it('passes when the container exits after the other logged the line, fails when before', () => {
    const rule = { container: 'handler', line, then: 'sidecar' };
    const logged = log('handler', '12.000', 'GET /echo?msg=prestop&code=');
    expect(exitsAfterLineOf(timeline(logged, exit('12.100')), rule).verdict).toBe('pass');
    const early = exitsAfterLineOf(timeline(logged, exit('11.900')), rule);
    expect(early.verdict).toBe('fail');
    expect(early.rule).toBe('sidecar exits after handler logs /msg=prestop/');
    expect(exitsAfterLineOf(timeline(exit('11.900')), rule).missing).toEqual([
      'a line of handler matching /msg=prestop/',
    ]);
  });
});
