import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import { happensBefore, type Timeline } from '../timeline/timeline.js';
import type { AssertionResult } from './result.js';
import { at, result } from './rule.js';

/** Rules about when things happen: start and exit order, gaps, run times, time to an Event. */

export type StartSource = 'event' | 'status';

/** When a container (first) started, per Events (`Started`) or per container status (`startedAt`). */
export function startOf(
  timeline: Timeline,
  container: string,
  source: StartSource,
): TimelineRecord | undefined {
  return timeline.first({ kind: 'started', container, source });
}

/**
 * When a container's last instance stopped. The last log line is exact (the runtime stamps it in
 * nanoseconds) and the seed's containers print just before exiting; the status `finishedAt` only
 * has whole seconds, so it is the fallback.
 */
export function exitOf(timeline: Timeline, container: string): TimelineRecord | undefined {
  const lines = timeline.find({ kind: 'log', container });
  return lines.at(-1) ?? timeline.find({ kind: 'terminated', container }).at(-1);
}

export function startsBefore(timeline: Timeline, a: string, b: string, source: StartSource): AssertionResult {
  const sa = startOf(timeline, a, source);
  const sb = startOf(timeline, b, source);
  const passed = !!sa && !!sb && happensBefore(sa, sb);
  const via = source === 'event' ? 'Started events' : 'container status';
  return result(
    `${a} starts before ${b} (${via})`,
    passed,
    `${a} started before ${b}`,
    `${a} started ${at(sa)}, ${b} started ${at(sb)}`,
    [a, b],
    [sa, sb],
  );
}

/** Each container starts before the next, e.g. first-sidecar → second-sidecar → app. */
export function startOrder(timeline: Timeline, order: string[], source: StartSource): AssertionResult[] {
  return order.slice(1).map((next, i) => startsBefore(timeline, order[i] as string, next, source));
}

export function exitsBefore(timeline: Timeline, a: string, b: string): AssertionResult {
  const ea = exitOf(timeline, a);
  const eb = exitOf(timeline, b);
  const passed = !!ea && !!eb && happensBefore(ea, eb);
  return result(
    `${a} exits before ${b}`,
    passed,
    `${a} exited before ${b}`,
    `${a} exited ${at(ea)}, ${b} exited ${at(eb)}`,
    [a, b],
    [ea, eb],
  );
}

export interface GapBounds {
  minMs: number;
  maxMs: number;
}

/** The time from `a`'s exit to `b`'s exit lies within bounds (inclusive). */
export function gapBetween(timeline: Timeline, a: string, b: string, bounds: GapBounds): AssertionResult {
  const ea = exitOf(timeline, a);
  const eb = exitOf(timeline, b);
  const expected = `gap ≥ ${bounds.minMs} ms and ≤ ${bounds.maxMs} ms`;
  if (!ea || !eb) {
    return result(
      `${b} stops ${bounds.minMs} ms after ${a}`,
      false,
      expected,
      `${a} exited ${at(ea)}, ${b} exited ${at(eb)}`,
      [a, b],
      [ea, eb],
    );
  }
  const gapNs = eb.ns - ea.ns;
  const gapMs = Math.round(nsToMs(gapNs));
  // Bounds are checked on the exact nanoseconds; the ms figure is for people.
  const passed = gapNs >= msToNs(bounds.minMs) && gapNs <= msToNs(bounds.maxMs);
  return result(
    `${b} stops ${bounds.minMs} ms after ${a}`,
    passed,
    expected,
    `${gapMs} ms (${a} ${at(ea)} → ${b} ${at(eb)})`,
    [a, b],
    [ea, eb],
    { value: gapMs, unit: 'ms', min: bounds.minMs, max: bounds.maxMs },
  );
}

/** The time from `container`'s start (container status) to its exit is about `nominalMs`, within bounds. */
export function runsFor(
  timeline: Timeline,
  container: string,
  nominalMs: number,
  bounds: GapBounds,
): AssertionResult {
  const start = startOf(timeline, container, 'status');
  const end = exitOf(timeline, container);
  const expected = `${bounds.minMs}–${bounds.maxMs} ms from start to exit`;
  const rule = `${container} exits about ${nominalMs} ms after it starts`;
  if (!start || !end)
    return result(
      rule,
      false,
      expected,
      `started ${at(start)}, exited ${at(end)}`,
      [container],
      [start, end],
    );
  const ms = Math.round(nsToMs(end.ns - start.ns));
  return result(
    rule,
    ms >= bounds.minMs && ms <= bounds.maxMs,
    expected,
    `${ms} ms`,
    [container],
    [start, end],
    {
      value: ms,
      unit: 'ms',
      min: bounds.minMs,
      max: bounds.maxMs,
    },
  );
}

/** Both containers were running at one moment: each started before the other's (last) exit. */
export function runTogether(timeline: Timeline, a: string, b: string): AssertionResult {
  const sa = startOf(timeline, a, 'status');
  const sb = startOf(timeline, b, 'status');
  const ta = timeline.first({ kind: 'terminated', container: a });
  const tb = timeline.first({ kind: 'terminated', container: b });
  const passed = !!sa && !!sb && (!tb || happensBefore(sa, tb)) && (!ta || happensBefore(sb, ta));
  return result(
    `${a} and ${b} run together`,
    passed,
    'both running at the same time',
    `${a} ran ${at(sa)}–${ta ? at(ta) : 'end'}, ${b} ran ${at(sb)}–${tb ? at(tb) : 'end'}`,
    [a, b],
    [sa, sb, ta, tb],
  );
}

/**
 * The first record matching `reason` (an Event) for the container comes within `maxMs` of the
 * container's first start: e.g. the first liveness kill within failureThreshold × period (+ slack).
 */
export function firstEventWithin(
  timeline: Timeline,
  container: string,
  reason: string,
  message: RegExp,
  maxMs: number,
): AssertionResult {
  const start = startOf(timeline, container, 'status');
  const event = timeline
    .find({ source: 'event', reason, container })
    .find((r) => message.test(r.message ?? ''));
  const rule = `first ${reason} of ${container} ("${message.source}") within ${maxMs} ms of its start`;
  if (!start || !event) {
    return result(
      rule,
      false,
      `≤ ${maxMs} ms`,
      `started ${at(start)}, ${reason} ${at(event)}`,
      [container],
      [start, event],
    );
  }
  const ms = Math.round(nsToMs(event.ns - start.ns));
  return result(
    rule,
    ms >= 0 && ms <= maxMs,
    `≤ ${maxMs} ms`,
    `${ms} ms (started ${at(start)}, ${reason} ${at(event)})`,
    [container],
    [start, event],
    {
      value: ms,
      unit: 'ms',
      min: 0,
      max: maxMs,
    },
  );
}
