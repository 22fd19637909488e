import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { orderOf, spanBounds, withinBounds } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules about a Pod whose containers were all restarted in place (a container's restartPolicyRules
 * action RestartAllContainers): each container's instance after its first restart, when it started
 * against the exit that triggered it and against the others' restarted instances, the last
 * termination its status keeps, and which containers run at the end.
 */

const UNDECIDED_NOTE = 'the times are too coarse to tell the order';

/** The exit that triggers the restart: the first exit of `container` with this code. */
export interface ExitWith {
  container: string;
  exitCode: number;
}

/** The first exit of the container with the code: the runtime's (ns) when it has it, else the status's. */
function exitWith(timeline: Timeline, exit: ExitWith): TimelineRecord | undefined {
  const of = (source: 'runtime' | 'status') =>
    timeline
      .find({ kind: 'terminated', container: exit.container, source })
      .find((r) => r.exitCode === exit.exitCode);
  return of('runtime') ?? of('status');
}

/** The lowest restart count among the container's instances after its first (restartCount ≥ 1). */
function restartedInstance(timeline: Timeline, container: string): number | undefined {
  const counts = timeline
    .find({ kind: 'started', container })
    .filter((r) => r.source !== 'event' && (r.restartCount ?? 0) > 0)
    .map((r) => r.restartCount ?? 0);
  return counts.length ? Math.min(...counts) : undefined;
}

const ofInstance = (
  timeline: Timeline,
  kind: 'started' | 'terminated',
  container: string,
  instance: number | undefined,
): TimelineRecord | undefined => {
  if (instance === undefined) return undefined;
  const of = (source: 'runtime' | 'status') =>
    timeline.find({ kind, container, source }).find((r) => (r.restartCount ?? 0) === instance);
  return of('runtime') ?? of('status');
};

/** The start of the container's first instance after a restart: the runtime's (ns), else the status's. */
function restartedStart(timeline: Timeline, container: string): TimelineRecord | undefined {
  return ofInstance(timeline, 'started', container, restartedInstance(timeline, container));
}

const msText = (ns: bigint) => `${Math.round(nsToMs(ns))} ms`;

export interface AllStartAgainAfterExitOptions {
  /** Every container the restart must reach (the source included when it is restarted too). */
  containers: string[];
  after: ExitWith;
  /** The last of them must run again within this long after the exit. */
  withinMs: number;
}

/**
 * Each container's first restarted instance starts after the exit that triggered the restart of
 * all, and the last of them within `withinMs` of it: the time the kubelet took to restart the Pod
 * in place is the measurement (from the exit to the last restarted start).
 */
export function allStartAgainAfterExit(
  timeline: Timeline,
  options: AllStartAgainAfterExitOptions,
): AssertionResult {
  const { containers, after, withinMs } = options;
  const exit = exitWith(timeline, after);
  const starts = containers.map((container) => ({ container, start: restartedStart(timeline, container) }));
  const rule = `${containers.join(', ')} each start again after ${after.container} exits ${after.exitCode}, the last within ${withinMs} ms`;
  const expected = `every restarted instance started after the exit ${after.exitCode}, the last ≤ ${withinMs} ms after it`;
  const missing = missingOf({
    [`an exit ${after.exitCode} of ${after.container}`]: exit,
    ...Object.fromEntries(starts.map(({ container, start }) => [`a restarted start of ${container}`, start])),
  });
  const evidence = [exit, ...starts.map((s) => s.start)];
  const seen = starts
    .map(({ container, start }) =>
      !start
        ? `${container} never started again`
        : `${container} again ${atFrom(start)}${exit ? ` (${msText(start.ns - exit.ns)})` : ''}`,
    )
    .join(', ');
  const exitText = exit
    ? `${after.container} exited ${after.exitCode} ${atFrom(exit)}`
    : `${after.container} never exited ${after.exitCode}`;
  if (!exit || missing.length) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${exitText}; ${seen}`,
      containers: [after.container, ...containers],
      evidence,
      missing,
    });
  }
  const found = starts as { container: string; start: TimelineRecord }[];
  const orders = found.map(({ start }) => orderOf(exit, start));
  const early = found.filter((_, i) => orders[i] === 'fail').map((s) => s.container);
  const last = found.reduce((a, b) => (b.start.ns > a.start.ns ? b : a));
  const range = spanBounds(exit, last.start);
  const bound = withinBounds(range, { maxNs: msToNs(withinMs) });
  const verdict: Verdict =
    early.length || bound === 'fail'
      ? 'fail'
      : orders.includes('undecided') || bound === 'undecided'
        ? 'undecided'
        : 'pass';
  const notes = [
    early.length ? `${early.join(', ')} started again before the exit` : '',
    bound === 'fail' ? `the last, ${last.container}, ${msText(range.point)} after it` : '',
    verdict === 'undecided' ? UNDECIDED_NOTE : '',
  ].filter(Boolean);
  return result({
    rule,
    verdict,
    expected,
    actual: `${exitText}; ${seen}${notes.length ? `: ${notes.join('; ')}` : ''}`,
    containers: [after.container, ...containers],
    evidence,
    measurement: { value: Math.round(nsToMs(range.point)), unit: 'ms', max: withinMs },
    span: { from: exit, to: last.start },
  });
}

export interface RestartedInOrderOptions {
  first: string;
  then: string;
  /** `first` is a plain init container: its restarted instance must have exited (not only started). */
  firstCompletes?: boolean;
}

/**
 * Once all containers were restarted, they come up in the Pod's order again: `first`'s restarted
 * instance starts (or, for a plain init container, exits) before `then`'s restarted instance
 * starts. A restarted instance is a container's first with restartCount ≥ 1.
 */
export function restartedInOrder(timeline: Timeline, options: RestartedInOrderOptions): AssertionResult {
  const { first, then, firstCompletes } = options;
  const instance = restartedInstance(timeline, first);
  const a = ofInstance(timeline, firstCompletes ? 'terminated' : 'started', first, instance);
  const b = restartedStart(timeline, then);
  const verb = firstCompletes ? 'exits' : 'starts';
  const verdict: Verdict = a && b ? orderOf(a, b) : 'fail';
  const actual = `${first} (restarted) ${firstCompletes ? 'exited' : 'started'} ${atFrom(a)}, ${then} (restarted) started ${atFrom(b)}`;
  return result({
    rule: `${first} (restarted) ${verb} before ${then} (restarted) starts`,
    verdict,
    expected: `${first}'s first instance with restartCount ≥ 1 ${verb} before ${then}'s starts`,
    actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
    containers: [first, then],
    evidence: [a, b],
    missing: missingOf({
      [`a restarted ${firstCompletes ? 'exit' : 'start'} of ${first}`]: a,
      [`a restarted start of ${then}`]: b,
    }),
  });
}

/**
 * Each restart the container's status showed came with a last termination state
 * (`lastState.terminated`), upstream's `LastTerminationState.Terminated != nil`; its reason and exit
 * code are reported.
 */
export function keepsLastTermination(timeline: Timeline, options: { container: string }): AssertionResult {
  const { container } = options;
  const restarts = timeline.find({ kind: 'restarted', container });
  const bare = restarts.filter((r) => r.exitCode === undefined && r.reason === undefined);
  const text = (r: TimelineRecord) =>
    r.exitCode === undefined && r.reason === undefined
      ? `restart ${r.restartCount ?? '?'} seen ${at(r)} with no last termination`
      : `restart ${r.restartCount ?? '?'} seen ${at(r)}: last termination ${r.reason ?? 'no reason'}, exit ${r.exitCode ?? '?'}`;
  return result({
    rule: `${container}'s status keeps a last termination state when it restarts`,
    verdict: restarts.length > 0 && bare.length === 0,
    expected: 'every restart seen with lastState.terminated set',
    actual: restarts.length ? restarts.map(text).join('; ') : `${container} never restarted`,
    containers: [container],
    evidence: bare.length ? bare : restarts,
    missing: restarts.length ? [] : [`a restart of ${container}`],
  });
}

/**
 * The container is running when observation ends: its latest instance started (runtime or status),
 * no exit of that instance was seen, and the status counted no restart past it (an instance the
 * kubelet removed leaves no exit behind, only the next restart count); upstream's
 * `WaitForContainerRunning`.
 */
export function runningAtEnd(timeline: Timeline, options: { container: string }): AssertionResult {
  const { container } = options;
  const starts = timeline.find({ kind: 'started', container }).filter((r) => r.source !== 'event');
  const instance = starts.reduce((max, r) => Math.max(max, r.restartCount ?? 0), 0);
  const start = starts.length ? ofInstance(timeline, 'started', container, instance) : undefined;
  const ended = timeline
    .find({ kind: 'terminated', container })
    .find((r) => r.source !== 'event' && (r.restartCount ?? 0) === instance);
  const counted = timeline
    .find({ kind: 'restarted', container })
    .find((r) => (r.restartCount ?? 0) > instance);
  const end = timeline.find({ kind: 'observed-until' }).at(-1) ?? timeline.records.at(-1);
  const actual = !start
    ? `${container} never started`
    : ended
      ? `instance ${instance} started ${atFrom(start)}, exited ${atFrom(ended)} (exit ${ended.exitCode ?? '?'})`
      : counted
        ? `instance ${instance} started ${atFrom(start)}; restart ${counted.restartCount ?? '?'} seen ${at(counted)}, its instance never seen running`
        : `instance ${instance} started ${atFrom(start)}, still running at ${at(end)}`;
  return result({
    rule: `${container} is running at the end of the observation`,
    verdict: !!start && !ended && !counted,
    expected: `the latest instance of ${container} started and not exited by ${at(end)}`,
    actual,
    containers: [container],
    evidence: [start, ended, counted, end],
    claim: 'absence',
    missing: missingOf({ [`a start of ${container}`]: start }),
  });
}
