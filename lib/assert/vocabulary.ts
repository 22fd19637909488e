import type { TimelineRecord } from '../timeline/record.js';
import { displayTime, msToNs, nsToMs } from '../timeline/time.js';
import { happensBefore, type Timeline } from '../timeline/timeline.js';
import type { AssertionResult } from './result.js';

/**
 * Lifecycle facts over one timeline, each read like the sentence it checks. Every rule returns an
 * AssertionResult (never throws) carrying the records that decided it, so a failure shows the slice
 * of the timeline that broke the rule.
 */

const at = (r: TimelineRecord | undefined) =>
  r ? `${displayTime(r.ns)}${r.precision === 'second' ? ' (whole second)' : ''}` : 'never';

function result(
  rule: string,
  passed: boolean,
  expected: string,
  actual: string,
  containers: string[],
  evidence: (TimelineRecord | undefined)[],
  measurement?: AssertionResult['measurement'],
): AssertionResult {
  return {
    rule,
    passed,
    expected,
    actual,
    containers,
    evidence: evidence.filter((r): r is TimelineRecord => r !== undefined),
    ...(measurement ? { measurement } : {}),
  };
}

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

/** The highest restart count the container reached. */
export function restartCount(timeline: Timeline, container: string): number {
  return timeline
    .find({ container, source: 'status' })
    .reduce((max, r) => Math.max(max, r.restartCount ?? 0), 0);
}

export function hasRestarted(timeline: Timeline, container: string, atLeast = 1): AssertionResult {
  const restarts = timeline.find({ kind: 'restarted', container });
  const count = restartCount(timeline, container);
  return result(
    `${container} has restarted`,
    count >= atLeast,
    `restartCount ≥ ${atLeast}`,
    `restartCount ${count}${restarts[0] ? `, first restart ${at(restarts[0])}` : ''}`,
    [container],
    restarts.length ? restarts : timeline.find({ container, kind: ['started', 'terminated', 'killing'] }),
    { value: count, unit: 'count', min: atLeast },
  );
}

export function neverRestarted(timeline: Timeline, container: string): AssertionResult {
  const count = restartCount(timeline, container);
  const restarts = timeline.find({ kind: 'restarted', container });
  return result(
    `${container} is never restarted`,
    count === 0,
    'restartCount 0',
    `restartCount ${count}`,
    [container],
    restarts,
    { value: count, unit: 'count', max: 0 },
  );
}

/** An Event with this reason names the container (and its message matches, when given). */
export function hasEvent(
  timeline: Timeline,
  reason: string,
  container: string,
  message?: RegExp,
): AssertionResult {
  const events = timeline
    .find({ source: 'event', reason, container })
    .filter((r) => !message || message.test(r.message ?? ''));
  const rule = `${reason} event names ${container}${message ? ` with "${message.source}"` : ''}`;
  const measurement = { value: events.length, unit: 'count' as const, min: 1 };
  if (events.length === 0) {
    // Nothing to point at: show where we looked and what the container's Events did say.
    const all = timeline.records;
    const window = `between ${at(all[0])} and ${at(all.at(-1))}`;
    const said = timeline.find({ source: 'event', container });
    return result(
      rule,
      false,
      `at least one ${reason} event`,
      `0 ${reason} events ${window}`,
      [container],
      [all[0], ...said.slice(-5), all.at(-1)],
      measurement,
    );
  }
  return result(
    rule,
    true,
    `at least one ${reason} event`,
    `${events.length} ${reason} event(s), first ${at(events[0])}: ${events[0]?.message ?? ''}`,
    [container],
    events.slice(0, 5),
    measurement,
  );
}

export function noEvent(timeline: Timeline, reason: string, container: string): AssertionResult {
  const events = timeline.find({ source: 'event', reason, container });
  return result(
    `no ${reason} event names ${container}`,
    events.length === 0,
    `no ${reason} event`,
    `${events.length} ${reason} event(s)`,
    [container],
    events,
    { value: events.length, unit: 'count', max: 0 },
  );
}

/** The Pod's last observed phase. */
export function podPhaseIs(timeline: Timeline, phase: string): AssertionResult {
  const phases = timeline.find({ kind: 'pod-phase' });
  const last = phases.at(-1);
  return result(
    `Pod phase is ${phase}`,
    last?.reason === phase,
    phase,
    phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen',
    [],
    phases,
  );
}

/** The Pod's phase never left `phase` once reached (e.g. stays Running while a sidecar restarts). */
export function podStaysIn(timeline: Timeline, phase: string): AssertionResult {
  const phases = timeline.find({ kind: 'pod-phase' });
  const firstAt = phases.findIndex((p) => p.reason === phase);
  const later = firstAt >= 0 ? phases.slice(firstAt + 1) : [];
  return result(
    `Pod stays ${phase}`,
    firstAt >= 0 && later.length === 0,
    `phase ${phase} reached and kept`,
    phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen',
    [],
    phases,
  );
}

/** Whether each container is ready at the end of the timeline (its last ready/not-ready record). */
export function readyAtEnd(timeline: Timeline, container: string): boolean {
  return timeline.find({ kind: ['ready', 'not-ready'], container }).at(-1)?.kind === 'ready';
}

/** `READY n/m` as kubectl shows it: ready containers (app and sidecars) out of all of them, at the end. */
export function readyCountIs(timeline: Timeline, containers: string[], expected: number): AssertionResult {
  const ready = containers.filter((c) => readyAtEnd(timeline, c));
  const evidence = containers.map((c) =>
    timeline.find({ kind: ['ready', 'not-ready'], container: c }).at(-1),
  );
  return result(
    `READY ${expected}/${containers.length}`,
    ready.length === expected,
    `${expected}/${containers.length} containers ready`,
    `${ready.length}/${containers.length} ready${ready.length ? ` (${ready.join(', ')})` : ''}`,
    containers,
    evidence,
    { value: ready.length, unit: 'count', min: expected, max: expected },
  );
}

/** The Pod's Ready condition at the end of the timeline. */
export function podReadyIs(timeline: Timeline, ready: boolean): AssertionResult {
  const changes = timeline.find({ kind: ['pod-ready', 'pod-not-ready'] });
  const last = changes.at(-1);
  const isReady = last?.kind === 'pod-ready';
  return result(
    `Pod Ready=${ready ? 'True' : 'False'}`,
    isReady === ready,
    `Ready=${ready ? 'True' : 'False'}`,
    last ? `Ready=${isReady ? 'True' : 'False'} since ${at(last)}` : 'no Ready condition seen',
    [],
    changes,
  );
}

/** The Pod was never Ready over the whole timeline. */
export function podNeverReady(timeline: Timeline): AssertionResult {
  const ready = timeline.find({ kind: 'pod-ready' });
  return result(
    'Pod is never Ready',
    ready.length === 0,
    'no Ready=True',
    `${ready.length} time(s) Ready`,
    [],
    ready,
  );
}

/** The container's last instance terminated with this reason and exit code. */
export function terminatedWith(
  timeline: Timeline,
  container: string,
  expected: { reason: string; exitCode: number },
): AssertionResult {
  const last = timeline.find({ kind: 'terminated', container }).at(-1);
  return result(
    `${container} terminated ${expected.reason} with exit ${expected.exitCode}`,
    last?.reason === expected.reason && last?.exitCode === expected.exitCode,
    `reason ${expected.reason}, exit ${expected.exitCode}`,
    last ? `reason ${last.reason}, exit ${last.exitCode} at ${at(last)}` : 'not terminated',
    [container],
    [last],
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

/** Time from a container's first start to its first restart (the killed instance's finishedAt), in ms. */
export function timeToFirstRestartMs(timeline: Timeline, container: string): number | undefined {
  const start = startOf(timeline, container, 'status');
  const restart = timeline.first({ kind: 'restarted', container });
  if (!start || !restart) return undefined;
  return Math.round(nsToMs(restart.ns - start.ns));
}

/** The Pod reached a terminal phase (Succeeded or Failed). */
export function podCompletes(timeline: Timeline): AssertionResult {
  const phases = timeline.find({ kind: 'pod-phase' });
  const last = phases.at(-1);
  return result(
    'Pod completes',
    last?.reason === 'Succeeded' || last?.reason === 'Failed',
    'phase Succeeded or Failed',
    phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen',
    [],
    phases,
  );
}
