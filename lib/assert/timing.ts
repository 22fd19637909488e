import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import {
  exitOf,
  notLaterToTheSecond,
  orderOf,
  spanBounds,
  startOf,
  withinBounds,
  type ExitOptions,
  type StartSource,
} from './instants.js';
import type { AssertionResult, Measurement, Verdict } from './result.js';
import { atFrom, missingOf, result } from './rule.js';

/** Rules about when things happen: start and exit order, time between two facts, time to an Event. */

const UNDECIDED_NOTE = 'the times are too coarse to tell the order';

export interface StartsBeforeOptions {
  first: string;
  then: string;
  /** Read starts from one source only; default: the runtime (ns) when the harness has it, else the status. */
  source?: StartSource;
}

/**
 * `first` starts before `then`. With source `event` (whole seconds, and the kubelet often starts two
 * containers within one) the rule checks what those Events can show: that `first`'s Started Event is
 * not later than `then`'s, to the second.
 */
export function startsBefore(timeline: Timeline, options: StartsBeforeOptions): AssertionResult {
  const { first, then, source } = options;
  const sa = startOf(timeline, first, source);
  const sb = startOf(timeline, then, source);
  const actual = `${first} started ${atFrom(sa)}, ${then} started ${atFrom(sb)}`;
  if (source === 'event') {
    return result({
      rule: `${first}'s Started event is not later than ${then}'s (to the second)`,
      verdict: !!sa && !!sb && notLaterToTheSecond(sa, sb),
      expected: `${first} Started in the same second as ${then} or earlier`,
      actual,
      containers: [first, then],
      evidence: [sa, sb],
      missing: missingOf({ [`a Started event of ${first}`]: sa, [`a Started event of ${then}`]: sb }),
    });
  }
  const verdict: Verdict = sa && sb ? orderOf(sa, sb) : 'fail';
  return result({
    rule: `${first} starts before ${then}${source ? ` (${source})` : ''}`,
    verdict,
    expected: `${first} started before ${then}`,
    actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
    containers: [first, then],
    evidence: [sa, sb],
    missing: missingOf({ [`a start of ${first}`]: sa, [`a start of ${then}`]: sb }),
  });
}

/** Each container starts before the next, e.g. first-sidecar → second-sidecar → app. */
export function startOrder(
  timeline: Timeline,
  options: { order: string[]; source?: StartSource },
): AssertionResult[] {
  const { order, source } = options;
  return order
    .slice(1)
    .map((then, i) =>
      startsBefore(timeline, { first: order[i] as string, then, ...(source ? { source } : {}) }),
    );
}

export interface ExitsBeforeOptions extends ExitOptions {
  first: string;
  then: string;
}

/** `first`'s last instance exits before `then`'s. */
export function exitsBefore(timeline: Timeline, options: ExitsBeforeOptions): AssertionResult {
  const { first, then } = options;
  const ea = exitOf(timeline, first, options);
  const eb = exitOf(timeline, then, options);
  const verdict: Verdict = ea && eb ? orderOf(ea, eb) : 'fail';
  const actual = `${first} exited ${atFrom(ea)}, ${then} exited ${atFrom(eb)}`;
  return result({
    rule: `${first} exits before ${then}`,
    verdict,
    expected: `${first} exited before ${then}`,
    actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
    containers: [first, then],
    evidence: [ea, eb],
    missing: missingOf({ [`an exit of ${first}`]: ea, [`an exit of ${then}`]: eb }),
  });
}

export interface Bounds {
  minMs?: number;
  maxMs?: number;
}

/** `3000–5000 ms`, `within 30000 ms`, `at least 3000 ms`. */
export function describeBounds(bounds: Bounds): string {
  const { minMs, maxMs } = bounds;
  if (minMs !== undefined && maxMs !== undefined) return `${minMs}–${maxMs} ms`;
  if (maxMs !== undefined) return `within ${maxMs} ms`;
  if (minMs !== undefined) return `at least ${minMs} ms`;
  return 'any time';
}

function expectedRange(bounds: Bounds): string {
  const parts = [
    bounds.minMs !== undefined ? `≥ ${bounds.minMs} ms` : '',
    bounds.maxMs !== undefined ? `≤ ${bounds.maxMs} ms` : '',
  ].filter(Boolean);
  return parts.join(' and ') || 'any';
}

/**
 * The time from record `from` to record `to` lies within bounds (inclusive), checked on the exact
 * nanoseconds; with a whole-second end the rule is undecided when the second straddles a bound.
 */
function spanWithin(
  rule: string,
  from: TimelineRecord | undefined,
  to: TimelineRecord | undefined,
  bounds: Bounds,
  containers: string[],
  missing: string,
): AssertionResult {
  const expected = expectedRange(bounds);
  if (!from || !to) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: missing,
      containers,
      evidence: [from, to],
      missing: [!from ? `the record it runs from` : '', !to ? `the record it runs to` : ''].filter(Boolean),
    });
  }
  const range = spanBounds(from, to);
  const verdict = withinBounds(range, {
    ...(bounds.minMs !== undefined ? { minNs: msToNs(bounds.minMs) } : {}),
    ...(bounds.maxMs !== undefined ? { maxNs: msToNs(bounds.maxMs) } : {}),
  });
  const ms = Math.round(nsToMs(range.point));
  const coarse = range.hi !== range.lo;
  const measurement: Measurement = {
    value: ms,
    unit: 'ms',
    ...(bounds.minMs !== undefined ? { min: bounds.minMs } : {}),
    ...(bounds.maxMs !== undefined ? { max: bounds.maxMs } : {}),
  };
  const figure = coarse
    ? `${ms} ms, between ${Math.round(nsToMs(range.lo))} and ${Math.round(nsToMs(range.hi))} ms at whole-second precision`
    : `${ms} ms`;
  return result({
    rule,
    verdict,
    expected,
    actual: `${figure} (${from.container ?? 'Pod'} ${atFrom(from)} → ${to.container ?? 'Pod'} ${atFrom(to)})`,
    containers,
    evidence: [from, to],
    measurement,
    span: { from, to },
  });
}

export interface StopsAfterOptions extends ExitOptions, Bounds {
  first: string;
  then: string;
}

/** `then` stops within bounds after `first` stopped: "second-sidecar stops 3000–5000 ms after app". */
export function stopsAfter(timeline: Timeline, options: StopsAfterOptions): AssertionResult {
  const { first, then } = options;
  const ea = exitOf(timeline, first, options);
  const eb = exitOf(timeline, then, options);
  return spanWithin(
    `${then} stops ${describeBounds(options)} after ${first}`,
    ea,
    eb,
    options,
    [first, then],
    `${first} exited ${atFrom(ea)}, ${then} exited ${atFrom(eb)}`,
  );
}

export interface RunsForOptions extends ExitOptions, Bounds {
  container: string;
}

/** The time from the container's first start to its exit lies within bounds. */
export function runsFor(timeline: Timeline, options: RunsForOptions): AssertionResult {
  const { container } = options;
  const start = startOf(timeline, container);
  const end = exitOf(timeline, container, options);
  return spanWithin(
    `${container} runs ${describeBounds(options)} from start to exit`,
    start,
    end,
    options,
    [container],
    `started ${atFrom(start)}, exited ${atFrom(end)}`,
  );
}

export interface FirstEventWithinOptions {
  container: string;
  reason: string;
  message: RegExp;
  withinMs: number;
}

/** The first Event with this reason and message for the container comes within `withinMs` of its first start. */
export function firstEventWithin(timeline: Timeline, options: FirstEventWithinOptions): AssertionResult {
  const { container, reason, message, withinMs } = options;
  const start = startOf(timeline, container);
  const event = timeline
    .find({ source: 'event', reason, container })
    .find((r) => message.test(r.message ?? ''));
  return spanWithin(
    `the first ${reason} event of ${container} matching /${message.source}/ comes within ${withinMs} ms of its start`,
    start,
    event,
    { minMs: 0, maxMs: withinMs },
    [container],
    `started ${atFrom(start)}, ${reason} ${atFrom(event)}`,
  );
}

/**
 * Both containers were running at one moment: each started before the other's first exit (an exit
 * that never came counts as still running at the end).
 */
export function runTogether(timeline: Timeline, options: { a: string; b: string }): AssertionResult {
  const { a, b } = options;
  const sa = startOf(timeline, a);
  const sb = startOf(timeline, b);
  const firstExit = (c: string) =>
    timeline.first({ kind: 'terminated', container: c, source: 'runtime' }) ??
    timeline.first({ kind: 'terminated', container: c, source: 'status' });
  const ta = firstExit(a);
  const tb = firstExit(b);
  let verdict: Verdict = 'fail';
  if (sa && sb) {
    const aBeforeBEnds: Verdict = tb ? orderOf(sa, tb) : 'pass';
    const bBeforeAEnds: Verdict = ta ? orderOf(sb, ta) : 'pass';
    verdict =
      aBeforeBEnds === 'fail' || bBeforeAEnds === 'fail'
        ? 'fail'
        : aBeforeBEnds === 'undecided' || bBeforeAEnds === 'undecided'
          ? 'undecided'
          : 'pass';
  }
  return result({
    rule: `${a} and ${b} run together`,
    verdict,
    expected: 'both running at the same time',
    actual: `${a} ran ${atFrom(sa)}–${ta ? atFrom(ta) : 'end'}, ${b} ran ${atFrom(sb)}–${tb ? atFrom(tb) : 'end'}`,
    containers: [a, b],
    evidence: [sa, sb, ta, tb],
    missing: missingOf({ [`a start of ${a}`]: sa, [`a start of ${b}`]: sb }),
  });
}
