import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exitOf, orderOf, spanBounds, startOf, withinBounds } from './instants.js';
import { restartCount } from './queries.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules for the rows whose sidecars serve HTTP or TCP (agnhost's servers, upstream's own test
 * image): a readiness probe's initial delay holding the Pod back, a window watched without the Pod
 * turning Ready or a container restarting, a restart count that only grows, and a request a hook
 * or probe made showing in the serving container's log (agnhost logs `GET /echo?msg=…` per request).
 */

const ms = (ns: bigint) => Math.round(nsToMs(ns));

/** The last moment observed: the harness's end mark, else the last record. */
function observedEnd(timeline: Timeline): TimelineRecord | undefined {
  return timeline.find({ kind: 'observed-until' }).at(-1) ?? timeline.records.at(-1);
}

/**
 * `later` comes at least `delayMs` after `from`, as far as their precision tells (a whole second
 * lies anywhere in its second): the figure, its bounds and the verdict.
 */
function atLeastAfter(from: TimelineRecord, later: TimelineRecord, delayMs: number) {
  const span = spanBounds(from, later);
  const verdict = withinBounds(span, { minNs: msToNs(delayMs) });
  const figure =
    span.lo === span.hi
      ? `${ms(span.point)} ms`
      : `${ms(span.point)} ms (between ${ms(span.lo)} and ${ms(span.hi)} ms at whole-second precision)`;
  return { verdict, figure, value: ms(span.point) };
}

/**
 * The Pod's Ready condition turns True no earlier than `delayMs` after the container's first start:
 * upstream P1's check (the Ready condition's lastTransitionTime minus the container's startedAt ≥
 * the readiness probe's initialDelaySeconds). The start is the runtime's (ns) when the harness has
 * it, else the status's whole second; the condition carries whole seconds.
 */
export function podReadyNotBefore(
  timeline: Timeline,
  options: { container: string; delayMs: number },
): AssertionResult {
  const { container, delayMs } = options;
  const start = startOf(timeline, container);
  const ready = timeline.first({ kind: 'pod-ready' });
  const rule = `Pod turns Ready no earlier than ${delayMs} ms after ${container} started`;
  const expected = `Ready=True ≥ ${delayMs} ms after ${container}'s start`;
  if (!start || !ready) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${container} started ${atFrom(start)}, Pod Ready=True ${atFrom(ready)}`,
      containers: [container],
      evidence: [start, ready, ...timeline.find({ kind: ['ready', 'not-ready'], container })],
      missing: missingOf({ [`a start of ${container}`]: start, 'a Pod Ready=True': ready }),
    });
  }
  const { verdict, figure, value } = atLeastAfter(start, ready, delayMs);
  return result({
    rule,
    verdict,
    expected,
    actual: `${figure}: ${container} started ${atFrom(start)}, Pod Ready=True ${atFrom(ready)}${
      verdict === 'undecided' ? '; too coarse to tell' : ''
    }`,
    containers: [container],
    evidence: [start, ready],
    measurement: { value, unit: 'ms', min: delayMs },
    span: { from: start, to: ready },
  });
}

export interface EventNotBeforeOptions {
  container: string;
  reason: string;
  message: RegExp;
  delayMs: number;
}

/**
 * The first Event with this reason and message for the container comes no earlier than `delayMs`
 * after its first start: a probe's initialDelaySeconds held it back (Events carry whole seconds).
 */
export function firstEventNotBefore(timeline: Timeline, options: EventNotBeforeOptions): AssertionResult {
  const { container, reason, message, delayMs } = options;
  const start = startOf(timeline, container);
  const event = timeline
    .find({ source: 'event', reason, container })
    .find((r) => message.test(r.message ?? ''));
  const rule = `the first ${reason} event of ${container} matching /${message.source}/ comes no earlier than ${delayMs} ms after its start`;
  const expected = `first ${reason} ≥ ${delayMs} ms after ${container}'s start`;
  if (!start || !event) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${container} started ${atFrom(start)}, ${reason} ${atFrom(event)}`,
      containers: [container],
      evidence: [start, event],
      missing: missingOf({
        [`a start of ${container}`]: start,
        [`a ${reason} event of ${container}`]: event,
      }),
    });
  }
  const { verdict, figure, value } = atLeastAfter(start, event, delayMs);
  return result({
    rule,
    verdict,
    expected,
    actual: `${figure}: ${container} started ${atFrom(start)}, ${reason} ${atFrom(event)}: ${event.message ?? ''}`,
    containers: [container],
    evidence: [start, event],
    measurement: { value, unit: 'ms', min: delayMs },
    span: { from: start, to: event },
  });
}

/** How long the harness watched after the container's first start: to the end of observation. */
function watchedAfterStart(timeline: Timeline, container: string) {
  const start = startOf(timeline, container);
  const end = observedEnd(timeline);
  const watchedMs = start && end ? Math.max(0, ms(end.ns - start.ns)) : 0;
  return { start, end, watchedMs };
}

/**
 * Neither the container nor the Pod is ever Ready, and the harness watched at least `forMs` after
 * the container's first start: upstream P2's Consistently over a minute. A shorter window leaves
 * the rule undecided.
 */
export function neverReadyFor(
  timeline: Timeline,
  options: { container: string; forMs: number },
): AssertionResult {
  const { container, forMs } = options;
  const { start, end, watchedMs } = watchedAfterStart(timeline, container);
  const ready = [
    ...timeline.find({ kind: 'ready', container }),
    ...timeline.find({ kind: 'pod-ready' }),
  ].sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  let verdict: Verdict = 'pass';
  let actual = `never ready in the ${watchedMs} ms watched after ${container} started ${atFrom(start)} (until ${at(end)})`;
  if (ready.length) {
    verdict = 'fail';
    const first = ready[0];
    actual = `${first?.kind === 'pod-ready' ? 'Pod Ready=True' : `${container} ready`} ${atFrom(first)}`;
  } else if (!start) {
    verdict = 'fail';
    actual = `${container} never started`;
  } else if (watchedMs < forMs) {
    verdict = 'undecided';
    actual = `never ready, but only ${watchedMs} ms watched after ${container} started ${atFrom(start)}`;
  }
  return result({
    rule: `neither ${container} nor the Pod is ever Ready, watched ≥ ${forMs} ms after ${container} started`,
    verdict,
    expected: `no ready: true of ${container}, no Pod Ready=True, ≥ ${forMs} ms watched`,
    actual,
    containers: [container],
    evidence: [start, ...ready.slice(0, 5), end],
    measurement: { value: watchedMs, unit: 'ms', min: forMs },
    claim: 'absence',
    ...(start ? {} : { missing: [`a start of ${container}`] }),
  });
}

/**
 * The container is never restarted (restartCount 0), and the harness watched at least `forMs`
 * after its first start: upstream's "expected 0 restarts" over its observation window. A shorter
 * window leaves the rule undecided.
 */
export function notRestartedFor(
  timeline: Timeline,
  options: { container: string; forMs: number },
): AssertionResult {
  const { container, forMs } = options;
  const { start, end, watchedMs } = watchedAfterStart(timeline, container);
  const count = restartCount(timeline, container);
  const restarts = timeline.find({ kind: 'restarted', container });
  let verdict: Verdict = 'pass';
  let actual = `restartCount 0 over the ${watchedMs} ms watched after it started ${atFrom(start)} (until ${at(end)})`;
  if (count > 0) {
    verdict = 'fail';
    actual = `restartCount ${count}${restarts[0] ? `, first restart ${atFrom(restarts[0])}` : ''}`;
  } else if (!start) {
    verdict = 'fail';
    actual = `${container} never started`;
  } else if (watchedMs < forMs) {
    verdict = 'undecided';
    actual = `restartCount 0, but only ${watchedMs} ms watched after it started ${atFrom(start)}`;
  }
  return result({
    rule: `${container} is never restarted, watched ≥ ${forMs} ms after it started`,
    verdict,
    expected: `restartCount 0, ≥ ${forMs} ms watched`,
    actual,
    containers: [container],
    evidence: [start, ...restarts.slice(0, 5), end],
    measurement: { value: count, unit: 'count', max: 0 },
    claim: 'absence',
    ...(start ? {} : { missing: [`a start of ${container}`] }),
  });
}

/**
 * The container's restartCount never goes down, in the order the harness saw its statuses (each
 * status record carries the count then): upstream P5's check between its polls. Only as good as
 * the statuses seen: a count that dropped and rose again between two observations is not seen.
 */
export function restartCountNeverDecreases(
  timeline: Timeline,
  options: { container: string },
): AssertionResult {
  const { container } = options;
  const seen = timeline
    .find({ container, source: 'status' })
    .filter((r) => r.restartCount !== undefined)
    .sort((a, b) => a.seq - b.seq);
  let highest: TimelineRecord | undefined;
  let drop: [TimelineRecord, TimelineRecord] | undefined;
  for (const record of seen) {
    if (highest && (record.restartCount ?? 0) < (highest.restartCount ?? 0)) {
      drop = [highest, record];
      break;
    }
    if (!highest || (record.restartCount ?? 0) > (highest.restartCount ?? 0)) highest = record;
  }
  const counts = seen.map((r) => r.restartCount ?? 0);
  const steps = counts.filter((c, i) => i === 0 || c !== counts[i - 1]);
  return result({
    rule: `${container}'s restartCount never decreases`,
    verdict: drop ? 'fail' : seen.length ? 'pass' : 'fail',
    expected: 'each status seen has a restartCount ≥ the highest seen before it',
    actual: drop
      ? `restartCount ${drop[0].restartCount} seen ${atFrom(drop[0])}, then ${drop[1].restartCount} seen ${atFrom(drop[1])}`
      : seen.length
        ? `${seen.length} statuses seen, restartCount ${steps.join(' → ')}`
        : `no status of ${container} seen`,
    containers: [container],
    evidence: drop ?? timeline.find({ kind: 'restarted', container }),
    ...(seen.length ? {} : { missing: [`a status of ${container}`] }),
  });
}

/** What a log line must come after: the harness's delete request, or a container's first start. */
export type LineAfter = 'delete' | { startOf: string };

export interface LogsLineOptions {
  container: string;
  line: RegExp;
  after: LineAfter;
  /** The line must come within this long after the moment (upstream's wait for it). */
  withinMs: number;
}

/**
 * The container logs a line matching `line` after the moment, within `withinMs`: e.g. the hook
 * handler's `GET /echo?msg=poststart` after the hooked sidecar started (upstream H1: within 2
 * minutes), or `GET /echo?msg=prestop` after the delete (H2: within 30 s). Log lines carry the
 * runtime's nanoseconds; the delete is the harness's clock, the start the runtime's.
 */
export function logsLineWithin(timeline: Timeline, options: LogsLineOptions): AssertionResult {
  const { container, line, after, withinMs } = options;
  const marker =
    after === 'delete' ? timeline.first({ kind: 'delete-requested' }) : startOf(timeline, after.startOf);
  const label = after === 'delete' ? 'the delete' : `${after.startOf} started`;
  const lines = timeline.find({ kind: 'log', container }).filter((r) => line.test(r.message ?? ''));
  const logged = marker ? lines.find((r) => orderOf(marker, r) !== 'fail') : undefined;
  const rule = `${container} logs /${line.source}/ within ${withinMs} ms after ${label}`;
  const expected = `a line matching /${line.source}/ 0–${withinMs} ms after ${label}`;
  if (!marker || !logged) {
    const said = timeline.find({ kind: 'log', container });
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${label} ${atFrom(marker)}; ${
        lines.length
          ? `its ${lines.length} matching line(s) came before, first ${atFrom(lines[0])}`
          : `no matching line among its ${said.length}`
      }`,
      containers: [container],
      evidence: [marker, ...lines.slice(0, 3), ...said.slice(-3)],
      missing: missingOf({
        [after === 'delete' ? 'the delete request' : `a start of ${after.startOf}`]: marker,
        [`a line of ${container} matching /${line.source}/ after it`]: logged,
      }),
    });
  }
  const span = spanBounds(marker, logged);
  const verdict = withinBounds(span, { minNs: 0n, maxNs: msToNs(withinMs) });
  return result({
    rule,
    verdict,
    expected,
    actual: `${ms(span.point)} ms: ${label} ${atFrom(marker)}, ${container} logged ${atFrom(logged)}: ${logged.message ?? ''}`,
    containers: [container],
    evidence: [marker, logged],
    measurement: { value: ms(span.point), unit: 'ms', min: 0, max: withinMs },
    span: { from: marker, to: logged },
  });
}

/**
 * `then` exits (its last instance) only after `container` logged `line`: e.g. the hooked sidecar
 * stops after its preStop hook's request reached the handler, as the kubelet runs preStop before
 * it signals the container. Both times are the runtime's (ns) when the harness has them.
 */
export function exitsAfterLineOf(
  timeline: Timeline,
  options: { container: string; line: RegExp; then: string },
): AssertionResult {
  const { container, line, then } = options;
  const logged = timeline.find({ kind: 'log', container }).find((r) => line.test(r.message ?? ''));
  const exit = exitOf(timeline, then);
  const verdict: Verdict = logged && exit ? orderOf(logged, exit) : 'fail';
  const actual = `${container} logged /${line.source}/ ${atFrom(logged)}, ${then} exited ${atFrom(exit)}`;
  return result({
    rule: `${then} exits after ${container} logs /${line.source}/`,
    verdict,
    expected: `${then}'s exit after ${container}'s line`,
    actual: verdict === 'undecided' ? `${actual}: the times are too coarse to tell the order` : actual,
    containers: [container, then],
    evidence: [logged, exit],
    missing: missingOf({
      [`a line of ${container} matching /${line.source}/`]: logged,
      [`an exit of ${then}`]: exit,
    }),
  });
}
