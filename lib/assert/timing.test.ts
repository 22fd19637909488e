import { describe, expect, it } from 'vitest';
import { record } from '../testing/records.js';
import { Timeline } from '../timeline/timeline.js';
import { explainAssertion } from '../report/explain.js';
import { exitsBefore, runTogether, startsBefore, stopsAfter } from './timing.js';
import { hasRestarted, readyCountIs } from './state.js';

const rec = record;
const T = (s: string) => `2026-11-28T20:41:${s}Z`;

describe('startsBefore', () => {
  it('passes and fails on runtime nanoseconds inside one second', () => {
    const timeline = new Timeline([rec('started', 's1', T('50.101')), rec('started', 's2', T('50.302'))]);
    expect(startsBefore(timeline, { first: 's1', then: 's2' }).verdict).toBe('pass');
    const broken = startsBefore(timeline, { first: 's2', then: 's1' });
    expect(broken).toMatchObject({ verdict: 'fail', rule: 's2 starts before s1' });
    expect(explainAssertion(broken)).toMatch(
      /s2 started 20:41:50\.302 \(runtime\), s1 started 20:41:50\.101/,
    );
  });

  it('is undecided for two status starts in the same second, never failed', () => {
    const timeline = new Timeline([
      rec('started', 's1', T('50'), 'status'),
      rec('started', 's2', T('50'), 'status'),
    ]);
    const verdicts = [
      startsBefore(timeline, { first: 's1', then: 's2' }),
      startsBefore(timeline, { first: 's2', then: 's1' }),
    ];
    expect(verdicts.map((v) => v.verdict)).toEqual(['undecided', 'undecided']);
    expect(verdicts[0]?.actual).toContain('too coarse');
  });

  it('checks Started events to the second only', () => {
    const same = new Timeline([
      rec('started', 's1', T('50'), 'event'),
      rec('started', 's2', T('50'), 'event'),
    ]);
    expect(startsBefore(same, { first: 's1', then: 's2', source: 'event' }).verdict).toBe('pass');
    const late = new Timeline([
      rec('started', 's1', T('51'), 'event'),
      rec('started', 's2', T('50'), 'event'),
    ]);
    const broken = startsBefore(late, { first: 's1', then: 's2', source: 'event' });
    expect(broken.rule).toBe("s1's Started event is not later than s2's (to the second)");
    expect(broken.verdict).toBe('fail');
  });

  it('fails, naming the container, when one never started', () => {
    const result = startsBefore(new Timeline([rec('started', 's1', T('50.1'))]), {
      first: 's1',
      then: 'app',
    });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('app started never');
  });
});

describe('stopsAfter (inclusive bounds, named ends)', () => {
  const exits = (gapMs: number) =>
    new Timeline([
      rec('terminated', 's2', T('54.000')),
      rec('terminated', 's1', `2026-11-28T20:41:${(54 + gapMs / 1000).toFixed(3).padStart(6, '0')}Z`),
    ]);
  it.each([
    [3000, 'pass'],
    [4500, 'pass'],
    [2999, 'fail'],
    [4501, 'fail'],
  ])('a gap of %i ms: %s', (ms, verdict) => {
    const result = stopsAfter(exits(ms), { first: 's2', then: 's1', minMs: 3000, maxMs: 4500 });
    expect(result.rule).toBe('s1 stops 3000–4500 ms after s2');
    expect(result.verdict).toBe(verdict);
    expect(result.measurement).toEqual({ value: ms, unit: 'ms', min: 3000, max: 4500 });
    expect(result.span?.from.container).toBe('s2');
    expect(result.span?.to.container).toBe('s1');
  });

  it('says "within" when only a maximum bounds it', () => {
    expect(stopsAfter(exits(3000), { first: 's2', then: 's1', maxMs: 30_000 }).rule).toBe(
      's1 stops within 30000 ms after s2',
    );
  });

  it('is undecided when whole seconds straddle a bound', () => {
    const coarse = new Timeline([
      rec('terminated', 's2', T('54'), 'status'),
      rec('terminated', 's1', T('57'), 'status'),
    ]);
    const result = stopsAfter(coarse, { first: 's2', then: 's1', minMs: 3000, maxMs: 5000 });
    expect(result.verdict).toBe('undecided');
    expect(result.actual).toContain('whole-second precision');
  });
});

describe('exitsBefore and runTogether', () => {
  const timeline = new Timeline([
    rec('started', 'sc', T('50.1')),
    rec('started', 'app', T('50.2')),
    rec('terminated', 'app', T('53.2')),
    rec('terminated', 'sc', T('56.3')),
  ]);
  it('orders exits and sees overlap', () => {
    expect(exitsBefore(timeline, { first: 'app', then: 'sc' }).verdict).toBe('pass');
    expect(exitsBefore(timeline, { first: 'sc', then: 'app' }).verdict).toBe('fail');
    expect(runTogether(timeline, { a: 'sc', b: 'app' }).verdict).toBe('pass');
  });
  it('fails runTogether when one ended before the other began', () => {
    const apart = new Timeline([
      rec('started', 'a', T('50.1')),
      rec('terminated', 'a', T('51.1')),
      rec('started', 'b', T('52.1')),
    ]);
    expect(runTogether(apart, { a: 'a', b: 'b' }).verdict).toBe('fail');
  });
});

describe('state rules build their sentence from their values', () => {
  const timeline = new Timeline([
    rec('restarted', 'sc', T('55'), 'status', { restartCount: 1 }),
    rec('ready', 'app', T('51'), 'status'),
  ]);
  it('hasRestarted', () => {
    expect(hasRestarted(timeline, { container: 'sc', atLeast: 2 })).toMatchObject({
      rule: 'sc has restarted ≥ 2 times',
      verdict: 'fail',
      actual: expect.stringContaining('restartCount 1'),
    });
    expect(hasRestarted(timeline, { container: 'sc' }).rule).toBe('sc has restarted ≥ 1 time');
  });
  it('readyCountIs', () => {
    expect(readyCountIs(timeline, { containers: ['sc', 'app'], ready: 1 })).toMatchObject({
      rule: 'READY 1/2',
      verdict: 'pass',
    });
  });
});
