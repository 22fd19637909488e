import type { TimelineRecord } from '../timeline/record.js';
import { displayTime, msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { orderOf, spanBounds, startOf, withinBounds } from './instants.js';
import type { AssertionResult, Measurement, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';
import { describeBounds, type Bounds } from './timing.js';

/**
 * Rules about probes and what the kubelet does with their results: a startup probe holding back
 * liveness and readiness, a probe's own grace period, readiness and liveness while the Pod
 * terminates. Probes that write a line to their container's log (`>/proc/1/fd/1`) show each run;
 * a moment to count from is the harness's delete request or a container's first log line matching
 * a pattern (a preStop hook saying it started).
 */

const NS_PER_SECOND = 1_000_000_000n;

/** What an `after` rule counts from: the harness's delete request, or a container's first log line matching `log`. */
export type After = 'delete' | { container: string; log: RegExp };

interface Marker {
  record: TimelineRecord | undefined;
  /** `the delete`, `app logs /preStop started/`. */
  label: string;
}

function markerOf(timeline: Timeline, after: After): Marker {
  if (after === 'delete')
    return { record: timeline.first({ kind: 'delete-requested' }), label: 'the delete' };
  const record = timeline
    .find({ kind: 'log', container: after.container })
    .find((r) => after.log.test(r.message ?? ''));
  return { record, label: `${after.container} logs /${after.log.source}/` };
}

const markerMissing = (marker: Marker) =>
  marker.label === 'the delete' ? 'the delete request' : `a line where ${marker.label}`;

/** The last moment observed: the harness's end mark, else the last record. */
function observedEnd(timeline: Timeline): TimelineRecord | undefined {
  return timeline.find({ kind: 'observed-until' }).at(-1) ?? timeline.records.at(-1);
}

/** Whether `record` came after `marker`, before it (or at it), or cannot be told at its precision. */
function relation(marker: TimelineRecord, record: TimelineRecord): 'after' | 'before' | 'unsure' {
  const order = orderOf(marker, record);
  return order === 'pass' ? 'after' : order === 'fail' ? 'before' : 'unsure';
}

/** The container's first exit at or after `from` (runtime ns, else the status's whole second). */
function exitAfter(timeline: Timeline, container: string, from: TimelineRecord): TimelineRecord | undefined {
  const runtime = timeline.find({ kind: 'terminated', container, source: 'runtime' });
  const exits = runtime.length ? runtime : timeline.find({ kind: 'terminated', container, source: 'status' });
  return exits.find((r) => relation(from, r) !== 'before');
}

const ms = (ns: bigint) => Math.round(nsToMs(ns));

/** The latest a record's true time can be: its whole second's end, or when the harness saw it, whichever is sooner. */
function latest(record: TimelineRecord): bigint {
  const end = record.precision === 'second' ? record.ns + NS_PER_SECOND - 1n : record.ns;
  return record.observedNs < end && record.observedNs >= record.ns ? record.observedNs : end;
}

interface AbsenceAfter {
  rule: string;
  marker: Marker;
  /** The records that must not come after the marker. */
  candidates: TimelineRecord[];
  what: string;
  container: string;
  /** The marker's window must have lasted this long (until the container exits or observation ends). */
  minWindowMs?: number;
}

/**
 * None of `candidates` after the marker: fail on one that surely came after, undecided on one whose
 * time cannot be told from the marker's, or when the window watched was shorter than asked.
 */
function absenceAfter(timeline: Timeline, options: AbsenceAfter): AssertionResult {
  const { rule, marker, candidates, what, container, minWindowMs } = options;
  const m = marker.record;
  const expected = `no ${what} after ${marker.label}${minWindowMs !== undefined ? `, watched ≥ ${minWindowMs} ms` : ''}`;
  if (!m) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${marker.label === 'the delete' ? 'no delete was requested' : `${marker.label}: never`}`,
      containers: [container],
      evidence: candidates.slice(0, 5),
      missing: [markerMissing(marker)],
      claim: 'absence',
    });
  }
  const after = candidates.filter((r) => relation(m, r) === 'after');
  const unsure = candidates.filter((r) => relation(m, r) === 'unsure');
  const end = observedEnd(timeline);
  const exit = exitAfter(timeline, container, m);
  const windowEnd = exit && end && exit.ns < end.ns ? exit : (end ?? exit);
  const windowMs = windowEnd ? ms(windowEnd.ns - m.ns) : 0;
  const watched = `${windowMs} ms watched after ${marker.label} at ${at(m)}${
    windowEnd === exit && exit ? ` (until ${container} exited ${atFrom(exit)})` : ''
  }`;
  const before = candidates.filter((r) => relation(m, r) === 'before');
  let verdict: Verdict = 'pass';
  let actual = `0 after; ${before.length} before; ${watched}`;
  if (after.length) {
    verdict = 'fail';
    actual = `${after.length} after, first ${atFrom(after[0])}${after[0]?.message ? `: ${after[0].message}` : ''}; ${watched}`;
  } else if (unsure.length) {
    verdict = 'undecided';
    actual = `${unsure.length} at ${atFrom(unsure[0])}, too coarse to tell from ${marker.label} at ${at(m)}`;
  } else if (minWindowMs !== undefined && windowMs < minWindowMs) {
    verdict = 'undecided';
    actual = `0 after, but only ${watched}`;
  }
  return result({
    rule,
    verdict,
    expected,
    actual,
    containers: [container],
    evidence: [m, ...after.slice(0, 5), ...unsure.slice(0, 5), before.at(-1), windowEnd],
    measurement: { value: after.length, unit: 'count', max: 0 },
    claim: 'absence',
  });
}

export interface NoEventAfterOptions {
  reason: string;
  container: string;
  /** The Event's message must match to count. */
  message?: RegExp;
  after: After;
  /** The container must have been watched this long after the moment (until it exited or observation ended). */
  minWindowMs?: number;
}

/**
 * No Event with this reason (and message) names the container after the moment: e.g. no Killing
 * "failed liveness probe" once the Pod is being deleted. Events carry whole seconds: one in the
 * marker's second cannot be placed, and leaves the rule undecided.
 */
export function noEventAfter(timeline: Timeline, options: NoEventAfterOptions): AssertionResult {
  const { reason, container, message, after, minWindowMs } = options;
  const marker = markerOf(timeline, after);
  const events = timeline
    .find({ source: 'event', reason, container })
    .filter((r) => !message || message.test(r.message ?? ''));
  const matching = message ? ` with a message matching /${message.source}/` : '';
  return absenceAfter(timeline, {
    rule: `no ${reason} event names ${container}${matching} after ${marker.label}${
      minWindowMs !== undefined ? ` (${container} watched ≥ ${minWindowMs} ms)` : ''
    }`,
    marker,
    candidates: events,
    what: `${reason} event${matching}`,
    container,
    ...(minWindowMs !== undefined ? { minWindowMs } : {}),
  });
}

/**
 * The container does not start (again) after the moment: no new instance's start, by the runtime's
 * times when the harness has them, else the status's whole seconds.
 */
export function noStartAfter(
  timeline: Timeline,
  options: { container: string; after: After },
): AssertionResult {
  const { container, after } = options;
  const marker = markerOf(timeline, after);
  const runtime = timeline.find({ kind: 'started', container, source: 'runtime' });
  const starts = runtime.length ? runtime : timeline.find({ kind: 'started', container, source: 'status' });
  return absenceAfter(timeline, {
    rule: `${container} does not start again after ${marker.label}`,
    marker,
    candidates: starts,
    what: `start of ${container}`,
    container,
  });
}

const matchingLines = (timeline: Timeline, container: string, pattern: RegExp) =>
  timeline.find({ kind: 'log', container }).filter((r) => pattern.test(r.message ?? ''));

/** The container never logs a line matching `message` (a probe that logs each run never ran). */
export function noLogLine(
  timeline: Timeline,
  options: { container: string; message: RegExp },
): AssertionResult {
  const { container, message } = options;
  const found = matchingLines(timeline, container, message);
  const lines = timeline.find({ kind: 'log', container });
  return result({
    rule: `${container} never logs /${message.source}/`,
    verdict: found.length === 0,
    expected: `no line matching /${message.source}/`,
    actual: found.length
      ? `${found.length} line(s), first ${at(found[0])}: ${found[0]?.message ?? ''}`
      : `none of its ${lines.length} line(s)${lines.length ? ` (${at(lines[0])} to ${at(lines.at(-1))})` : ''}`,
    containers: [container],
    evidence: found.length ? found.slice(0, 5) : [lines[0], lines.at(-1)],
    measurement: { value: found.length, unit: 'count', max: 0 },
    claim: 'absence',
  });
}

export interface LogsOnlyAfterOptions {
  container: string;
  /** The lines that must wait (a liveness probe logging its runs). */
  line: RegExp;
  /** The line each instance must log first (the sidecar writing the file its startup probe reads). */
  after: RegExp;
  /** Judge the first instance only (a restarted instance may differ for reasons of its own). */
  firstInstanceOnly?: boolean;
}

/**
 * In every instance of the container (its log lines carry the instance's restart count), or in its
 * first only, no line matching `line` comes before that instance's first line matching `after`;
 * and at least one `line` was logged. Log lines carry the runtime's nanoseconds.
 */
export function logsOnlyAfter(timeline: Timeline, options: LogsOnlyAfterOptions): AssertionResult {
  const { container, line, after, firstInstanceOnly } = options;
  const all = timeline.find({ kind: 'log', container });
  const first = Math.min(...all.map((r) => r.restartCount ?? 0));
  const lines = firstInstanceOnly ? all.filter((r) => (r.restartCount ?? 0) === first) : all;
  const instances = [...new Set(lines.map((r) => r.restartCount ?? 0))];
  const early: TimelineRecord[] = [];
  const gates: TimelineRecord[] = [];
  for (const instance of instances) {
    const own = lines.filter((r) => (r.restartCount ?? 0) === instance);
    const gate = own.find((r) => after.test(r.message ?? ''));
    if (gate) gates.push(gate);
    early.push(...own.filter((r) => line.test(r.message ?? '') && (!gate || r.ns < gate.ns)));
  }
  const waited = lines.filter((r) => line.test(r.message ?? ''));
  const rule = `${container} logs /${line.source}/ only after /${after.source}/, ${
    firstInstanceOnly ? 'in its first instance' : 'in each instance'
  }`;
  const expected = `every /${line.source}/ line after its instance's first /${after.source}/ line`;
  const firstEarly = early[0];
  if (firstEarly) {
    const gate = gates.find((g) => (g.restartCount ?? 0) === (firstEarly.restartCount ?? 0));
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${early.length} early: ${at(firstEarly)} (instance ${firstEarly.restartCount ?? 0}), before /${after.source}/ ${gate ? `at ${at(gate)}` : 'never logged by that instance'}`,
      containers: [container],
      evidence: [...early.slice(0, 5), gate],
      measurement: { value: early.length, unit: 'count', max: 0 },
      claim: 'absence',
    });
  }
  return result({
    rule,
    verdict: waited.length > 0,
    expected,
    actual: waited.length
      ? `${waited.length} line(s) in ${instances.length} instance(s), each after its /${after.source}/ line (first ${at(gates[0])}, first /${line.source}/ ${at(waited[0])})`
      : `no /${line.source}/ line at all`,
    containers: [container],
    evidence: [...gates.slice(0, 3), ...waited.slice(0, 3)],
    measurement: { value: early.length, unit: 'count', max: 0 },
    claim: 'absence',
    missing: waited.length ? [] : [`a line of ${container} matching /${line.source}/`],
  });
}

/**
 * The container runs `forMs` from its first start without its status saying `started: true` (its
 * startup probe has not passed), and the harness watched that long. A pass after `forMs` still
 * holds the rule.
 */
export function startupHeldFor(
  timeline: Timeline,
  options: { container: string; forMs: number },
): AssertionResult {
  const { container, forMs } = options;
  const start = startOf(timeline, container);
  const passed = timeline.first({ kind: 'startup-passed', container });
  const end = observedEnd(timeline);
  const rule = `${container} runs ${forMs} ms without passing its startup probe`;
  const expected = `no started: true within ${forMs} ms of its start`;
  if (!start) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${container} never started`,
      containers: [container],
      evidence: [passed],
      missing: [`a start of ${container}`],
      claim: 'absence',
    });
  }
  const untilNs = passed ? passed.ns : (end?.ns ?? start.ns);
  const heldMs = ms(untilNs - start.ns);
  const measurement: Measurement = { value: heldMs, unit: 'ms', min: forMs };
  let verdict: Verdict;
  let actual: string;
  if (passed) {
    verdict = heldMs >= forMs ? 'pass' : 'fail';
    actual = `started ${atFrom(start)}, started: true seen ${at(passed)}, ${heldMs} ms later`;
  } else {
    verdict = heldMs >= forMs ? 'pass' : 'undecided';
    actual = `started ${atFrom(start)}, started: true never seen in the ${heldMs} ms watched (until ${at(end)})`;
  }
  return result({
    rule,
    verdict,
    expected,
    actual,
    containers: [container],
    evidence: [start, passed ?? end],
    measurement,
    claim: 'absence',
  });
}

/**
 * The container turns ready within `withinMs` after its startup probe passed (never before it):
 * both are the status flags as the harness saw them change (the status carries no time for them),
 * as upstream reads them.
 */
export function readyWithinAfterStartup(
  timeline: Timeline,
  options: { container: string; withinMs: number },
): AssertionResult {
  const { container, withinMs } = options;
  const passed = timeline.first({ kind: 'startup-passed', container });
  const ready = timeline.first({ kind: 'ready', container });
  const rule = `${container} is ready within ${withinMs} ms after its startup probe passed`;
  const expected = `≥ 0 ms and ≤ ${withinMs} ms from started: true to ready: true`;
  if (!passed || !ready) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `started: true ${at(passed)}, ready: true ${at(ready)}`,
      containers: [container],
      evidence: [passed, ready],
      missing: missingOf({
        [`started: true of ${container}`]: passed,
        [`ready: true of ${container}`]: ready,
      }),
    });
  }
  const span = spanBounds(passed, ready);
  const verdict = withinBounds(span, { minNs: 0n, maxNs: msToNs(withinMs) });
  return result({
    rule,
    verdict,
    expected,
    actual: `${ms(span.point)} ms (started: true seen ${at(passed)} → ready: true seen ${at(ready)}, as the harness saw the status change)`,
    containers: [container],
    evidence: [passed, ready],
    measurement: { value: ms(span.point), unit: 'ms', min: 0, max: withinMs },
    span: { from: passed, to: ready },
  });
}

/** The exit of the container's instance `restartCount`: the runtime's, else its status's whole second. */
function exitOfInstance(
  timeline: Timeline,
  container: string,
  restartCount: number,
): TimelineRecord | undefined {
  const of = (source: 'runtime' | 'status') =>
    timeline
      .find({ kind: 'terminated', container, source })
      .find((r) => (r.restartCount ?? 0) === restartCount);
  return (
    of('runtime') ??
    of('status') ??
    // The status shows a replaced instance's end as the next one's lastState (when it carries finishedAt).
    timeline
      .find({ kind: 'restarted', container })
      .find((r) => r.restartCount === restartCount + 1 && r.precision === 'second')
  );
}

/** The start of the container's instance `restartCount`: the runtime's, else its status's whole second. */
function startOfInstance(
  timeline: Timeline,
  container: string,
  restartCount: number,
): TimelineRecord | undefined {
  const of = (source: 'runtime' | 'status') =>
    timeline.find({ kind: 'started', container, source }).find((r) => (r.restartCount ?? 0) === restartCount);
  return of('runtime') ?? of('status');
}

function spanResult(fields: {
  rule: string;
  from: TimelineRecord | undefined;
  to: TimelineRecord | undefined;
  bounds: Bounds;
  container: string;
  labels: { from: string; to: string };
  /** Fails the rule although the span is in bounds (a wrong exit code), in words. */
  wrong?: string;
}): AssertionResult {
  const { rule, from, to, bounds, container, labels, wrong } = fields;
  const expected = [
    bounds.minMs !== undefined ? `≥ ${bounds.minMs} ms` : '',
    bounds.maxMs !== undefined ? `≤ ${bounds.maxMs} ms` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  if (!from || !to) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${labels.from} ${atFrom(from)}, ${labels.to} ${atFrom(to)}`,
      containers: [container],
      evidence: [from, to],
      missing: missingOf({ [labels.from]: from, [labels.to]: to }),
    });
  }
  const span = spanBounds(from, to);
  const inBounds = withinBounds(span, {
    ...(bounds.minMs !== undefined ? { minNs: msToNs(bounds.minMs) } : {}),
    ...(bounds.maxMs !== undefined ? { maxNs: msToNs(bounds.maxMs) } : {}),
  });
  const coarse = span.hi !== span.lo;
  const figure = coarse
    ? `${ms(span.point)} ms, between ${ms(span.lo)} and ${ms(span.hi)} ms at whole-second precision`
    : `${ms(span.point)} ms`;
  return result({
    rule,
    verdict: wrong ? 'fail' : inBounds,
    expected,
    actual: `${figure} (${labels.from} ${atFrom(from)} → ${labels.to} ${atFrom(to)})${wrong ? `; ${wrong}` : ''}`,
    containers: [container],
    evidence: [from, to],
    measurement: {
      value: ms(span.point),
      unit: 'ms',
      ...(bounds.minMs !== undefined ? { min: bounds.minMs } : {}),
      ...(bounds.maxMs !== undefined ? { max: bounds.maxMs } : {}),
    },
    span: { from, to },
  });
}

export interface ExitsAfterLineOptions extends Bounds {
  container: string;
  /** The first line matching this (e.g. the container's SIGTERM handler saying it got the signal). */
  line: RegExp;
  /** The instance that logged it must end with this exit code (137: SIGKILL when the grace ran out). */
  exitCode?: number;
}

/**
 * The instance that first logged `line` exits within bounds after it, e.g. SIGKILL 5 s after a
 * SIGTERM it ignored: the time the kubelet gave it. Log lines and the runtime's finish carry
 * nanoseconds; a finish known only from the status has whole seconds.
 */
export function exitsAfterLine(timeline: Timeline, options: ExitsAfterLineOptions): AssertionResult {
  const { container, line, exitCode } = options;
  const logged = matchingLines(timeline, container, line)[0];
  const exit = logged ? exitOfInstance(timeline, container, logged.restartCount ?? 0) : undefined;
  const wrongCode = exit && exitCode !== undefined && exit.exitCode !== exitCode;
  return spanResult({
    rule: `${container} exits ${describeBounds(options)} after it logs /${line.source}/${
      exitCode !== undefined ? `, with exit code ${exitCode}` : ''
    }`,
    from: logged,
    to: exit,
    bounds: options,
    container,
    labels: { from: `its /${line.source}/ line`, to: `the exit of that instance` },
    ...(wrongCode ? { wrong: `exit code ${exit?.exitCode ?? 'unknown'}, not ${exitCode}` } : {}),
  });
}

/**
 * The container starts again (its next instance) within `withinMs` after the instance that first
 * logged `line` logged it: e.g. from a liveness kill's SIGTERM to the restart.
 */
export function startsAgainAfterLine(
  timeline: Timeline,
  options: { container: string; line: RegExp; withinMs: number },
): AssertionResult {
  const { container, line, withinMs } = options;
  const logged = matchingLines(timeline, container, line)[0];
  const next = logged ? startOfInstance(timeline, container, (logged.restartCount ?? 0) + 1) : undefined;
  return spanResult({
    rule: `${container} starts again within ${withinMs} ms after it logs /${line.source}/`,
    from: logged,
    to: next,
    bounds: { minMs: 0, maxMs: withinMs },
    container,
    labels: { from: `its /${line.source}/ line`, to: `the start of its next instance` },
  });
}

/** The first Pod Ready=False the harness saw after the moment. */
function unreadyAfter(timeline: Timeline, marker: TimelineRecord): TimelineRecord | undefined {
  return timeline.find({ kind: 'pod-not-ready' }).find((r) => r.observedNs >= marker.ns);
}

/**
 * The Pod's Ready condition turns False within `withinMs` after the moment. Its time is the
 * condition's lastTransitionTime (whole seconds), and no later than when the harness saw it: the
 * figure reported is the latest it can have been.
 */
export function podUnreadyWithin(
  timeline: Timeline,
  options: { after: After; withinMs: number },
): AssertionResult {
  const { after, withinMs } = options;
  const marker = markerOf(timeline, after);
  const m = marker.record;
  const notReady = m ? unreadyAfter(timeline, m) : undefined;
  const rule = `Pod Ready turns False within ${withinMs} ms after ${marker.label}`;
  const expected = `Ready=False ≤ ${withinMs} ms after ${marker.label}`;
  if (!m || !notReady) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${marker.label} ${at(m)}, Ready=False after it ${at(notReady)}`,
      containers: [],
      evidence: [m, notReady, ...timeline.find({ kind: ['pod-ready', 'pod-not-ready'] }).slice(-3)],
      missing: missingOf({ [markerMissing(marker)]: m, 'a Ready=False after it': notReady }),
    });
  }
  const loMs = ms(notReady.ns - m.ns);
  const hiMs = ms(latest(notReady) - m.ns);
  const verdict: Verdict = hiMs <= withinMs ? 'pass' : loMs > withinMs ? 'fail' : 'undecided';
  const range =
    loMs === hiMs ? '' : ` (between ${Math.max(loMs, 0)} and ${hiMs} ms: the condition has whole seconds)`;
  return result({
    rule,
    verdict,
    expected,
    actual: `at most ${hiMs} ms${range}: ${marker.label} ${at(m)}, Ready=False ${atFrom(notReady)}, seen ${displayTime(notReady.observedNs)}`,
    containers: [],
    evidence: [m, notReady],
    measurement: { value: hiMs, unit: 'ms', max: withinMs },
    span: { from: m, to: notReady },
  });
}

/**
 * After the moment, the Pod's Ready condition turns False before the container exits: the Pod is
 * unready while it is still terminating.
 */
export function podUnreadyBeforeExit(
  timeline: Timeline,
  options: { after: After; container: string },
): AssertionResult {
  const { after, container } = options;
  const marker = markerOf(timeline, after);
  const m = marker.record;
  const notReady = m ? unreadyAfter(timeline, m) : undefined;
  const exit = m ? exitAfter(timeline, container, m) : undefined;
  const rule = `Pod Ready turns False after ${marker.label}, before ${container} exits`;
  let verdict: Verdict = 'fail';
  if (notReady && exit) {
    const exitLatest = latest(exit);
    verdict = latest(notReady) < exit.ns ? 'pass' : notReady.ns >= exitLatest ? 'fail' : 'undecided';
  }
  return result({
    rule,
    verdict,
    expected: `Ready=False before ${container}'s exit`,
    actual: `${marker.label} ${at(m)}, Ready=False ${atFrom(notReady)}, ${container} exited ${atFrom(exit)}${
      verdict === 'undecided' ? ': the times are too coarse to tell the order' : ''
    }`,
    containers: [container],
    evidence: [m, notReady, exit],
    missing: missingOf({
      [markerMissing(marker)]: m,
      'a Ready=False after it': notReady,
      [`an exit of ${container} after it`]: exit,
    }),
  });
}
