import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exitOf, orderOf, spanBounds, startOf, withinBounds } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules about a container's instances across the Pod's life: a container that must run to
 * completion before the next one starts, one that never starts, one that starts again after
 * another container started; and the Pod reaching a phase, or a container a restart count, within
 * a time bound (upstream's waits), with the time it took reported.
 */

const UNDECIDED_NOTE = 'the times are too coarse to tell the order';

export interface ExitsBeforeStartOptions {
  /** The container that must be done first (a plain init container). */
  first: string;
  /** The container declared after it. */
  then: string;
}

/**
 * `first` ran to completion before `then` started: `first`'s last exit comes before `then`'s first
 * start ("init-1 exits before restartable-init-1 starts"), what a plain init container owes every
 * container declared after it.
 */
export function exitsBeforeStart(timeline: Timeline, options: ExitsBeforeStartOptions): AssertionResult {
  const { first, then } = options;
  const exit = exitOf(timeline, first);
  const start = startOf(timeline, then);
  const verdict: Verdict = exit && start ? orderOf(exit, start) : 'fail';
  const actual = `${first} exited ${atFrom(exit)}, ${then} started ${atFrom(start)}`;
  return result({
    rule: `${first} exits before ${then} starts`,
    verdict,
    expected: `${first} exited before ${then} started`,
    actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
    containers: [first, then],
    evidence: [exit, start],
    missing: missingOf({ [`an exit of ${first}`]: exit, [`a start of ${then}`]: start }),
  });
}

/**
 * The container never ran: no start from the runtime, the status or the Events, and no termination
 * of an instance that ran (a failed init container declared before it keeps it waiting).
 */
export function neverStarts(timeline: Timeline, options: { container: string }): AssertionResult {
  const { container } = options;
  const ran = timeline.find({ kind: ['started', 'terminated'], container });
  const first = ran[0];
  return result({
    rule: `${container} never starts`,
    verdict: ran.length === 0,
    expected: 'no start (runtime, status or event) and no exit',
    actual: first
      ? `${first.kind === 'started' ? 'started' : 'terminated'} ${atFrom(first)}${ran.length > 1 ? ` (${ran.length} records)` : ''}`
      : 'never started',
    containers: [container],
    evidence: ran.slice(0, 5),
    claim: 'absence',
  });
}

export interface StartsAgainAfterOptions {
  /** The container that must start again (a sidecar that keeps exiting). */
  container: string;
  /** A start of another instance of `container` must come after this container's first start. */
  after: string;
  /**
   * `status`: only the container status counts, i.e. the status must show the new instance
   * running (it once stayed stuck in the first instance's terminated state, kubernetes#123323).
   * Default: per instance, the runtime's start (ns) when the harness has it, else the status's.
   */
  source?: 'status';
}

/** The starts of `container`'s instances after its first (restartCount > 0), one record each. */
function restartsOf(timeline: Timeline, container: string, source?: 'status'): TimelineRecord[] {
  const starts = (from: 'runtime' | 'status') =>
    timeline.find({ kind: 'started', container, source: from }).filter((r) => (r.restartCount ?? 0) > 0);
  const status = starts('status');
  if (source === 'status') return status;
  const runtime = starts('runtime');
  const byRuntime = new Set(runtime.map((r) => r.restartCount));
  return [...runtime, ...status.filter((r) => !byRuntime.has(r.restartCount))].sort((a, b) =>
    a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0,
  );
}

/**
 * `container` starts again after `after` started: some instance after its first starts later than
 * `after`'s first start ("restartable-init-1 starts again after regular-1 started"). Upstream's
 * `StartsBefore(regular-1, restartable-init-1)`: the sidecar is restarted while the app runs.
 */
export function startsAgainAfter(timeline: Timeline, options: StartsAgainAfterOptions): AssertionResult {
  const { container, after, source } = options;
  const anchor = startOf(timeline, after);
  const restarts = restartsOf(timeline, container, source);
  const verdicts = anchor ? restarts.map((r) => orderOf(anchor, r)) : [];
  const index = verdicts.indexOf('pass');
  const verdict: Verdict = index >= 0 ? 'pass' : verdicts.includes('undecided') ? 'undecided' : 'fail';
  const later = index >= 0 ? restarts.slice(index) : [];
  const seen = restarts.length
    ? `${container} started again ${restarts.map((r) => `${atFrom(r)} (restart ${r.restartCount})`).join(', ')}`
    : `${container} never started again${source === 'status' ? ' per its status' : ''}`;
  const actual = `${after} started ${atFrom(anchor)}; ${seen}`;
  return result({
    rule:
      source === 'status'
        ? `${container}'s status shows it running again after ${after} started`
        : `${container} starts again after ${after} started`,
    verdict,
    expected: `an instance of ${container} after its first starts after ${after} started`,
    actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
    containers: [container, after],
    evidence: [anchor, ...(later.length ? later : restarts).slice(0, 4)],
    measurement: { value: later.length, unit: 'count', min: 1 },
    missing: missingOf({
      [`a start of ${after}`]: anchor,
      [`a restart of ${container}${source === 'status' ? ' in its status' : ''}`]: restarts[0],
    }),
  });
}

/** The time from `from` to `to`, held to at most `withinMs`, as a result with its measurement. */
function within(
  fields: { rule: string; expected: string; containers: string[] },
  from: TimelineRecord,
  to: TimelineRecord,
  withinMs: number,
  label: string,
): AssertionResult {
  const range = spanBounds(from, to);
  const ms = Math.round(nsToMs(range.point));
  const figure =
    range.hi !== range.lo
      ? `${ms} ms, between ${Math.round(nsToMs(range.lo))} and ${Math.round(nsToMs(range.hi))} ms at whole-second precision`
      : `${ms} ms`;
  return result({
    ...fields,
    verdict: withinBounds(range, { minNs: 0n, maxNs: msToNs(withinMs) }),
    actual: `${figure} (applied ${atFrom(from)} → ${label} ${atFrom(to)})`,
    evidence: [from, to],
    measurement: { value: ms, unit: 'ms', min: 0, max: withinMs },
    span: { from, to },
  });
}

export interface ReachesPhaseWithinOptions {
  /** The phase the Pod ends in: Succeeded, Failed, or Running for a Pod left running. */
  phase: string;
  /** Upstream's wait for it, from the Pod's creation. */
  withinMs: number;
}

/**
 * The Pod ends in `phase`, first reached within `withinMs` of being applied; the time it took is the
 * measurement. Both ends are the harness's own observations (one clock): the apply, and the first
 * observed status with that phase.
 */
export function reachesPhaseWithin(timeline: Timeline, options: ReachesPhaseWithinOptions): AssertionResult {
  const { phase, withinMs } = options;
  const phases = timeline.find({ kind: 'pod-phase' });
  const history = phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen';
  const applied = timeline.first({ kind: 'applied' });
  const reached = phases.find((p) => p.reason === phase);
  const fields = {
    rule: `Pod reaches phase ${phase} within ${withinMs} ms of being applied`,
    expected: `last phase ${phase}, first seen ≤ ${withinMs} ms after the apply`,
    containers: [],
  };
  const last = phases.at(-1);
  if (!applied || !reached || last?.reason !== phase) {
    return result({
      ...fields,
      verdict: false,
      actual: `${history}${applied ? '' : '; the apply was not recorded'}`,
      evidence: [applied, ...phases],
      ...(!applied || !reached
        ? { missing: missingOf({ 'the apply': applied, [`phase ${phase}`]: reached }) }
        : {}),
    });
  }
  const judged = within(fields, applied, reached, withinMs, `phase ${phase}`);
  return { ...judged, actual: `${judged.actual}; phases ${history}`, evidence: [applied, ...phases] };
}

export interface RestartsWithinOptions {
  container: string;
  /** Restarts to reach (the status's restartCount). */
  atLeast: number;
  /** Upstream's wait for them, from the Pod's creation. */
  withinMs: number;
}

/**
 * The container reaches `atLeast` restarts within `withinMs` of the Pod being applied: measured to
 * the start of that instance (the runtime's, else the status's; the status's record of the restart
 * when no start of it was seen). The apply is the harness's clock, the start the node's; the bounds
 * upstream sets (minutes) dwarf any skew.
 */
export function restartsWithin(timeline: Timeline, options: RestartsWithinOptions): AssertionResult {
  const { container, atLeast, withinMs } = options;
  const applied = timeline.first({ kind: 'applied' });
  const instance =
    restartsOf(timeline, container).find((r) => (r.restartCount ?? 0) >= atLeast) ??
    timeline.find({ kind: 'restarted', container }).find((r) => (r.restartCount ?? 0) >= atLeast);
  const fields = {
    rule: `${container} has restarted ≥ ${atLeast} time${atLeast === 1 ? '' : 's'} within ${withinMs} ms of the Pod being applied`,
    expected: `restart ${atLeast} of ${container} ≤ ${withinMs} ms after the apply`,
    containers: [container],
  };
  if (!applied || !instance) {
    const restarts = timeline.find({ kind: 'restarted', container });
    const highest = restarts.reduce((max, r) => Math.max(max, r.restartCount ?? 0), 0);
    return result({
      ...fields,
      verdict: false,
      actual: applied ? `restartCount reached ${highest}` : 'the apply was not recorded',
      evidence: [
        applied,
        ...(restarts.length ? restarts : timeline.find({ kind: ['started', 'terminated'], container })),
      ],
      measurement: { value: highest, unit: 'count', min: atLeast },
      missing: missingOf({ 'the apply': applied, [`restart ${atLeast} of ${container}`]: instance }),
    });
  }
  return within(fields, applied, instance, withinMs, `${container} restart ${instance.restartCount}`);
}
