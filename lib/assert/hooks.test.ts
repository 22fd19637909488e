import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';
import { hookEndsBeforeSigterm, hookLifetime, hooksTogether, sigtermAfterHook } from './hooks.js';

const T = (s: string) => `2026-11-28T20:41:${s}Z`;
/** A log line of `container`'s instance `instance`, stamped by the runtime. */
const line = (container: string, at: string, message: string, instance = 0): TimelineRecord =>
  record('log', container, T(at), 'log', { message, restartCount: instance });
const HOOK = { start: /preStop start/, end: /preStop end/, sigterm: /got SIGTERM/ };

describe('hookEndsBeforeSigterm', () => {
  const instance = (n: number, s: string, e: string, t: string) => [
    line('sc', s, 'sc preStop start', n),
    line('sc', e, 'sc preStop end', n),
    line('sc', t, 'sc got SIGTERM', n),
  ];

  it('counts the instances that ran hook, then SIGTERM, and ignores one still inside its hook', () => {
    const timeline = new Timeline([
      ...instance(0, '10.000', '11.000', '11.010'),
      ...instance(1, '20.000', '21.000', '21.010'),
      line('sc', '30.000', 'sc preStop start', 2),
    ]);
    const result = hookEndsBeforeSigterm(timeline, { container: 'sc', ...HOOK, atLeast: 2 });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: "sc's preStop hook ends before sc handles SIGTERM, in ≥ 2 stopped instances",
      measurement: { value: 2, min: 2 },
    });
  });

  it('fails, naming the instance, when SIGTERM comes inside the hook', () => {
    const timeline = new Timeline(instance(0, '10.000', '11.000', '10.500'));
    const result = hookEndsBeforeSigterm(timeline, { container: 'sc', ...HOOK });
    expect(result.verdict).toBe('fail');
    expect(explainAssertion(result)).toContain('SIGTERM handled 20:41:10.500 (log) while the hook');
  });

  it('fails, saying what never came, with too few instances', () => {
    const result = hookEndsBeforeSigterm(new Timeline(instance(0, '10.000', '11.000', '11.010')), {
      container: 'sc',
      ...HOOK,
      atLeast: 2,
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing?.[0]).toMatch(/^1 more instance/);
  });
});

describe('hookLifetime and sigtermAfterHook', () => {
  const timeline = new Timeline([
    line('sc', '10.000', 'sc preStop start'),
    line('sc', '10.200', 'sc preStop looping'),
    line('sc', '15.010', 'sc got SIGTERM'),
    line('sc', '16.900', 'sc preStop looping'),
    record('terminated', 'sc', T('17.000'), 'runtime', { exitCode: 137 }),
  ]);

  it('measures from the first hook line to its last line, or to the exit', () => {
    const toLine = hookLifetime(timeline, {
      container: 'sc',
      start: HOOK.start,
      until: /looping/,
      minMs: 6000,
    });
    expect(toLine).toMatchObject({ verdict: 'pass', measurement: { value: 6900, unit: 'ms', min: 6000 } });
    const toExit = hookLifetime(timeline, { container: 'sc', start: HOOK.start, until: 'exit', maxMs: 6500 });
    expect(toExit).toMatchObject({
      verdict: 'fail',
      rule: "sc's preStop hook lives within 6500 ms, from /preStop start/ until sc exits",
    });
    expect(toExit.measurement?.value).toBe(7000);
  });

  it('measures SIGTERM from the hook start', () => {
    const result = sigtermAfterHook(timeline, { container: 'sc', ...HOOK, minMs: 4000, maxMs: 7000 });
    expect(result).toMatchObject({ verdict: 'pass', measurement: { value: 5010 } });
    expect(result.rule).toBe('sc handles SIGTERM 4000–7000 ms after its preStop hook starts');
  });

  it('fails, saying what never came, without a hook line', () => {
    const result = hookLifetime(new Timeline([line('sc', '10.000', 'sc running')]), {
      container: 'sc',
      start: HOOK.start,
      until: 'exit',
      maxMs: 1,
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['a preStop line of sc matching /preStop start/', 'sc exits']);
  });
});

describe('hooksTogether', () => {
  it('measures the spread of the first (or last) lines', () => {
    const timeline = new Timeline([
      line('a', '10.000', 'a preStop start'),
      line('b', '10.400', 'b preStop start'),
      line('b', '12.000', 'b preStop start'),
    ]);
    const first = hooksTogether(timeline, {
      containers: ['a', 'b'],
      line: /preStop start/,
      which: 'first',
      withinMs: 500,
    });
    expect(first).toMatchObject({ verdict: 'pass', measurement: { value: 400, max: 500 } });
    const last = hooksTogether(timeline, {
      containers: ['a', 'b'],
      line: /preStop start/,
      which: 'last',
      withinMs: 500,
    });
    expect(last).toMatchObject({
      verdict: 'fail',
      rule: 'the preStop hooks of a, b log their last line within 500 ms of each other',
    });
  });

  it('is undecided when whole-second records straddle the bound', () => {
    const timeline = new Timeline([
      record('log', 'a', T('10'), 'status', { message: 'a preStop start' }),
      line('b', '10.400', 'b preStop start'),
    ]);
    const result = hooksTogether(timeline, {
      containers: ['a', 'b'],
      line: /preStop start/,
      which: 'first',
      withinMs: 500,
    });
    expect(result.verdict).toBe('undecided');
  });
});
