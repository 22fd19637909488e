import { describe, expect, it } from 'vitest';
import { record } from '../testing/records.js';
import { Timeline } from '../timeline/timeline.js';
import { exitOf, orderOf, spanBounds, startOf, withinBounds } from './instants.js';

const rec = record;

describe('orderOf', () => {
  const exactA = rec('started', 'a', '2026-11-28T20:41:50.100Z');
  const exactB = rec('started', 'b', '2026-11-28T20:41:50.200Z');
  const secondA = rec('started', 'a', '2026-11-28T20:41:50Z', 'status');
  const secondB = rec('started', 'b', '2026-11-28T20:41:50Z', 'status');
  const nextSecond = rec('started', 'b', '2026-11-28T20:41:51Z', 'status');

  it('orders exact times by their nanoseconds', () => {
    expect(orderOf(exactA, exactB)).toBe('pass');
    expect(orderOf(exactB, exactA)).toBe('fail');
  });

  it('cannot order two whole seconds that are the same second, and says so', () => {
    expect(orderOf(secondA, secondB)).toBe('undecided');
    expect(orderOf(secondB, secondA)).toBe('undecided');
  });

  it('orders whole seconds that differ', () => {
    expect(orderOf(secondA, nextSecond)).toBe('pass');
    expect(orderOf(nextSecond, secondA)).toBe('fail');
  });

  it('orders an exact time against the whole second it falls in only when it can', () => {
    // 20:41:50.100 lies inside [20:41:50, 20:41:51): either could be first.
    expect(orderOf(exactA, secondB)).toBe('undecided');
    // 20:41:50.100 is after all of the second 20:41:49.
    expect(orderOf(rec('started', 'b', '2026-11-28T20:41:49Z', 'status'), exactA)).toBe('pass');
    expect(orderOf(exactA, nextSecond)).toBe('pass');
  });
});

describe('spanBounds and withinBounds', () => {
  const from = rec('terminated', 'app', '2026-11-28T20:41:54.000Z');
  const to = rec('terminated', 'sidecar', '2026-11-28T20:41:57.059Z');
  const ms = (n: number) => BigInt(n) * 1_000_000n;

  it('is one point between exact times', () => {
    expect(spanBounds(from, to)).toEqual({ lo: ms(3059), hi: ms(3059), point: ms(3059) });
  });

  it('widens by up to a second either way for whole seconds', () => {
    const a = rec('terminated', 'app', '2026-11-28T20:41:54Z', 'status');
    const b = rec('terminated', 'sidecar', '2026-11-28T20:41:57Z', 'status');
    const range = spanBounds(a, b);
    expect(range.point).toBe(ms(3000));
    expect(range.lo).toBe(ms(2000) + 1n);
    expect(range.hi).toBe(ms(4000) - 1n);
  });

  it.each([
    [3000, 3000, 'pass'],
    [4500, 4500, 'pass'],
    [2999, 2999, 'fail'],
    [4501, 4501, 'fail'],
    [2500, 3500, 'undecided'],
    [1000, 2000, 'fail'],
  ] as const)('%i–%i ms within 3000–4500 ms: %s', (lo, hi, verdict) => {
    expect(withinBounds({ lo: ms(lo), hi: ms(hi) }, { minNs: ms(3000), maxNs: ms(4500) })).toBe(verdict);
  });
});

describe('exitOf', () => {
  const status = rec('terminated', 'app', '2026-11-28T20:41:54Z', 'status', { exitCode: 0 });
  const log = rec('log', 'app', '2026-11-28T20:41:54.891210648Z', 'log', { message: 'app' });
  const runtime = rec('terminated', 'app', '2026-11-28T20:41:54.893000001Z', 'runtime');

  it("prefers the runtime's finished time", () => {
    expect(exitOf(new Timeline([status, log, runtime]), 'app', { announcedByLastLogLine: true })).toBe(
      runtime,
    );
  });

  it('takes the announcing log line only when the scenario says the container prints just before it exits', () => {
    const timeline = new Timeline([status, log]);
    expect(exitOf(timeline, 'app', { announcedByLastLogLine: true })).toBe(log);
    expect(exitOf(timeline, 'app')).toBe(status);
  });

  it('is undefined for a container that never exited', () => {
    expect(exitOf(new Timeline([status]), 'nobody')).toBeUndefined();
  });

  it("is the last instance's exit", () => {
    const later = rec('terminated', 'app', '2026-11-28T20:42:10.5Z', 'runtime', { restartCount: 1 });
    expect(exitOf(new Timeline([runtime, later]), 'app')).toBe(later);
  });
});

describe('startOf', () => {
  const status = rec('started', 'app', '2026-11-28T20:41:50Z', 'status');
  const event = rec('started', 'app', '2026-11-28T20:41:51Z', 'event');
  const runtime = rec('started', 'app', '2026-11-28T20:41:50.4Z', 'runtime');

  it('prefers the runtime, then the status; a source can be asked for', () => {
    expect(startOf(new Timeline([status, event, runtime]), 'app')).toBe(runtime);
    expect(startOf(new Timeline([status, event]), 'app')).toBe(status);
    expect(startOf(new Timeline([status, event, runtime]), 'app', 'event')).toBe(event);
  });

  it('is the first start, not a restart', () => {
    const restart = rec('started', 'app', '2026-11-28T20:42:30.1Z', 'runtime', { restartCount: 1 });
    expect(startOf(new Timeline([restart, runtime]), 'app')).toBe(runtime);
  });
});
