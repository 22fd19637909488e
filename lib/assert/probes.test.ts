import { describe, expect, it } from 'vitest';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import {
  exitsAfterLine,
  logsOnlyAfter,
  noEventAfter,
  noLogLine,
  noStartAfter,
  podUnreadyBeforeExit,
  podUnreadyWithin,
  readyWithinAfterStartup,
  startsAgainAfterLine,
  startupHeldFor,
} from './probes.js';

/**
 * Hand-built timelines: a sidecar whose probes log their runs, deleted at 10.500 (the harness's
 * clock); Events carry whole seconds, log lines and runtime records nanoseconds.
 */
const T = (s: string) => `2026-12-01T09:00:${s}Z`;
const log = (container: string, s: string, message: string, restartCount = 0) =>
  record('log', container, T(s), 'log', { message, restartCount });
const harness = (kind: TimelineRecord['kind'], s: string) => ({
  ...record(kind, '', T(s), 'harness', { precision: 'observed', time: '' }),
  container: undefined,
});
const event = (kind: TimelineRecord['kind'], container: string, s: string, reason: string, message: string) =>
  record(kind, container, T(s), 'event', { reason, message });
const observed = (kind: TimelineRecord['kind'], container: string, s: string) =>
  record(kind, container, T(s), 'status', { precision: 'observed', time: '' });

const terminating = (...extra: TimelineRecord[]) =>
  new Timeline([
    record('started', 'sidecar', T('01.000'), 'runtime', { restartCount: 0 }),
    harness('delete-requested', '10.500'),
    record('terminated', 'sidecar', T('25.000'), 'runtime', { restartCount: 0, exitCode: 0 }),
    harness('observed-until', '26.000'),
    ...extra,
  ]);
const killRule = {
  reason: 'Killing',
  container: 'sidecar',
  message: /failed liveness probe/,
  after: 'delete' as const,
  minWindowMs: 10_000,
};
const livenessKill = (s: string) =>
  event('killing', 'sidecar', s, 'Killing', 'Init container sidecar failed liveness probe');

describe('noEventAfter', () => {
  it('passes with no such Event after the moment, giving the window watched', () => {
    const result = noEventAfter(terminating(livenessKill('05')), killRule);
    expect(result).toMatchObject({ verdict: 'pass', claim: 'absence' });
    expect(result.rule).toBe(
      'no Killing event names sidecar with a message matching /failed liveness probe/ after the delete (sidecar watched ≥ 10000 ms)',
    );
    expect(result.actual).toBe(
      '0 after; 1 before; 14500 ms watched after the delete at 09:00:10.500 (until sidecar exited 09:00:25.000 (runtime))',
    );
  });

  it('fails on one surely after the moment', () => {
    const result = noEventAfter(terminating(livenessKill('12')), killRule);
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('1 after, first 09:00:12.000 (event, whole second)');
  });

  it('is undecided on one in the moment’s second, and when the window is short', () => {
    expect(noEventAfter(terminating(livenessKill('10')), killRule).verdict).toBe('undecided');
    const short = new Timeline([
      harness('delete-requested', '10.500'),
      record('terminated', 'sidecar', T('14.000'), 'runtime', { exitCode: 0 }),
    ]);
    const result = noEventAfter(short, killRule);
    expect(result.verdict).toBe('undecided');
    expect(result.actual).toContain('0 after, but only 3500 ms watched');
  });

  it('fails for want of the moment, naming it', () => {
    const result = noEventAfter(new Timeline([livenessKill('12')]), {
      ...killRule,
      after: { container: 'app', log: /preStop started/ },
    });
    expect(result).toMatchObject({ verdict: 'fail', missing: ['a line where app logs /preStop started/'] });
  });
});

describe('noStartAfter', () => {
  it('counts starts after a log line, by the runtime’s times', () => {
    const after = { container: 'app', log: /preStop started/ };
    const base = terminating(log('app', '11.000', 'app: preStop started'));
    expect(noStartAfter(base, { container: 'sidecar', after }).verdict).toBe('pass');
    const again = terminating(
      log('app', '11.000', 'app: preStop started'),
      record('started', 'sidecar', T('11.200'), 'runtime', { restartCount: 1 }),
    );
    const result = noStartAfter(again, { container: 'sidecar', after });
    expect(result).toMatchObject({
      verdict: 'fail',
      rule: 'sidecar does not start again after app logs /preStop started/',
    });
  });
});

describe('noLogLine and logsOnlyAfter', () => {
  const lines = [
    log('sidecar', '01.000', 'sidecar: started'),
    log('sidecar', '09.000', 'sidecar: startup file written'),
    log('sidecar', '10.000', 'sidecar: liveness probe ran'),
    log('sidecar', '11.000', 'sidecar: started', 1),
    log('sidecar', '11.500', 'sidecar: liveness probe ran', 1),
    log('sidecar', '19.000', 'sidecar: startup file written', 1),
  ];
  const options = { container: 'sidecar', line: /liveness probe ran/, after: /startup file written/ };

  it('judges each instance against its own line, or the first one only', () => {
    const each = logsOnlyAfter(new Timeline(lines), options);
    expect(each.verdict).toBe('fail');
    expect(each.actual).toBe(
      '1 early: 09:00:11.500 (instance 1), before /startup file written/ at 09:00:19.000',
    );
    const first = logsOnlyAfter(new Timeline(lines), { ...options, firstInstanceOnly: true });
    expect(first).toMatchObject({
      verdict: 'pass',
      rule: 'sidecar logs /liveness probe ran/ only after /startup file written/, in its first instance',
    });
  });

  it('fails when the awaited line never came', () => {
    const result = logsOnlyAfter(new Timeline(lines.slice(0, 2)), options);
    expect(result).toMatchObject({
      verdict: 'fail',
      missing: ['a line of sidecar matching /liveness probe ran/'],
    });
  });

  it('noLogLine fails on a matching line', () => {
    expect(
      noLogLine(new Timeline(lines), { container: 'sidecar', message: /liveness probe ran/ }).verdict,
    ).toBe('fail');
    expect(noLogLine(new Timeline(lines), { container: 'sidecar', message: /SIGTERM/ }).verdict).toBe('pass');
  });
});

describe('startupHeldFor and readyWithinAfterStartup', () => {
  const started = record('started', 'sidecar', T('01.000'), 'runtime');

  it('holds after the window, is undecided before it, fails on an early pass', () => {
    const held = (end: string, ...extra: TimelineRecord[]) =>
      startupHeldFor(new Timeline([started, harness('observed-until', end), ...extra]), {
        container: 'sidecar',
        forMs: 30_000,
      }).verdict;
    expect(held('35.000')).toBe('pass');
    expect(held('20.000')).toBe('undecided');
    expect(held('35.000', observed('startup-passed', 'sidecar', '11.000'))).toBe('fail');
  });

  it('measures from started: true to ready: true as the harness saw them', () => {
    const timeline = new Timeline([
      started,
      observed('startup-passed', 'sidecar', '33.100'),
      observed('ready', 'sidecar', '33.250'),
    ]);
    const result = readyWithinAfterStartup(timeline, { container: 'sidecar', withinMs: 25_000 });
    expect(result).toMatchObject({
      verdict: 'pass',
      measurement: { value: 150, unit: 'ms', min: 0, max: 25_000 },
    });
  });
});

describe('exitsAfterLine and startsAgainAfterLine', () => {
  const killed = (finished: string, exitCode = 137, next = '07.400') =>
    new Timeline([
      record('started', 'sidecar', T('01.000'), 'runtime', { restartCount: 0 }),
      log('sidecar', '02.010', 'sidecar: got SIGTERM, ignoring it'),
      record('terminated', 'sidecar', T(finished), 'runtime', { restartCount: 0, exitCode }),
      record('started', 'sidecar', T(next), 'runtime', { restartCount: 1 }),
    ]);
  const grace = { container: 'sidecar', line: /got SIGTERM/, minMs: 4500, maxMs: 8000, exitCode: 137 };

  it('measures SIGTERM to the instance’s exit and to the next start', () => {
    expect(exitsAfterLine(killed('07.030'), grace)).toMatchObject({
      verdict: 'pass',
      rule: 'sidecar exits 4500–8000 ms after it logs /got SIGTERM/, with exit code 137',
      measurement: { value: 5020 },
    });
    expect(
      startsAgainAfterLine(killed('07.030'), { container: 'sidecar', line: /got SIGTERM/, withinMs: 20_000 }),
    ).toMatchObject({ verdict: 'pass', measurement: { value: 5390 } });
  });

  it('fails on the Pod’s long grace, and on an exit code other than SIGKILL’s', () => {
    expect(exitsAfterLine(killed('32.030', 137, '32.400'), grace).verdict).toBe('fail');
    const clean = exitsAfterLine(killed('07.030', 0), grace);
    expect(clean.verdict).toBe('fail');
    expect(clean.actual).toContain('exit code 0, not 137');
  });

  it('takes a whole-second exit from the next instance’s lastState when the runtime has none', () => {
    const timeline = new Timeline([
      log('sidecar', '02.010', 'sidecar: got SIGTERM, ignoring it'),
      record('restarted', 'sidecar', T('07'), 'status', { restartCount: 1, exitCode: 137 }),
    ]);
    const result = exitsAfterLine(timeline, grace);
    expect(result.verdict).toBe('pass');
    expect(result.actual).toContain('between 4990 and 5990 ms at whole-second precision');
  });
});

describe('podUnreadyWithin and podUnreadyBeforeExit', () => {
  const notReady = (second: string, seenAt: string) =>
    record('pod-not-ready', '', T(second), 'status', { observedNs: parseTimeNs(T(seenAt)) });
  const pod = (second: string, seenAt: string) =>
    new Timeline([
      harness('delete-requested', '10.500'),
      { ...notReady(second, seenAt), container: undefined },
      record('terminated', 'sidecar', T('20.700'), 'runtime', { exitCode: 0 }),
    ]);

  it('reports the latest the condition can have turned: its second’s end or when it was seen', () => {
    const result = podUnreadyWithin(pod('12', '12.400'), { after: 'delete', withinMs: 5000 });
    expect(result).toMatchObject({ verdict: 'pass', measurement: { value: 1900, unit: 'ms', max: 5000 } });
    expect(result.actual).toContain('at most 1900 ms (between 1500 and 1900 ms');
    expect(podUnreadyWithin(pod('17', '17.100'), { after: 'delete', withinMs: 5000 }).verdict).toBe('fail');
    expect(podUnreadyWithin(pod('15', '15.900'), { after: 'delete', withinMs: 5000 }).verdict).toBe(
      'undecided',
    );
  });

  it('orders the condition before the container’s exit, undecided in the same second', () => {
    const before = (second: string, seenAt: string) =>
      podUnreadyBeforeExit(pod(second, seenAt), { after: 'delete', container: 'sidecar' }).verdict;
    expect(before('12', '12.400')).toBe('pass');
    expect(before('20', '20.900')).toBe('undecided');
    expect(before('21', '21.100')).toBe('fail');
  });
});
