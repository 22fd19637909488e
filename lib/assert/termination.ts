import type { TimelineRecord } from '../timeline/record.js';
import { displayTime, msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exitOf, spanBounds, withinBounds } from './instants.js';
import type { AssertionResult } from './result.js';
import { atFrom, result } from './rule.js';
import { exitsBefore, stopsAfter } from './timing.js';

/**
 * Rules about how the kubelet stops a Pod with sidecars (kuberuntime killContainer and
 * terminationOrdering): every container's kill starts at once with the same budget — the Pod's
 * grace period (terminationGracePeriodSeconds, default 30 s), of which a preStop hook's time is
 * spent first; each sidecar then waits for the apps and for the sidecars declared after it, but
 * only while budget is left; whatever is left, a container always gets at least 2 s between SIGTERM
 * and SIGKILL. So when the budget runs out every container still running is sent SIGTERM at once
 * and killed (exit 137) 2 s later: such containers are stopped together, not in order, and that is
 * the kubelet doing what it says, not an order violation.
 */

const NS_PER_SECOND = 1_000_000_000n;

/** The kubelet's minimum SIGTERM-to-SIGKILL window per container (minimumGracePeriodInSeconds). */
export const MINIMUM_KILL_WINDOW_MS = 2000;

/** The exit code of a container killed by SIGKILL (128 + 9). */
export const KILLED_EXIT_CODE = 137;

/** Default terminationGracePeriodSeconds. */
export const DEFAULT_GRACE_SECONDS = 30;

/** The window a record's true time lies in: a whole second covers [ns, ns + 1 s). */
const latest = (r: TimelineRecord) => (r.precision === 'second' ? r.ns + NS_PER_SECOND - 1n : r.ns);

/**
 * When the kubelet began stopping the Pod: its first Killing event from the delete request on (or
 * from the last app's exit, for a Pod that completes by itself); the delete request itself, or that
 * exit, when no Killing event was seen.
 */
export function shutdownStart(timeline: Timeline, options: { apps: string[] }): TimelineRecord | undefined {
  const deleted = timeline.first({ kind: 'delete-requested' });
  const lastAppExit = options.apps
    .map((app) => exitOf(timeline, app))
    .filter((r): r is TimelineRecord => r !== undefined)
    .reduce<TimelineRecord | undefined>((a, b) => (!a || b.ns > a.ns ? b : a), undefined);
  const from = deleted ?? lastAppExit;
  if (!from) return undefined;
  const killing = timeline.find({ source: 'event', reason: 'Killing' }).find((r) => latest(r) >= from.ns);
  return killing ?? from;
}

/** The container's last exit code: the runtime's when it has one, else the container status's. */
export function lastExitCode(timeline: Timeline, container: string): number | undefined {
  const exit = exitOf(timeline, container);
  if (exit?.exitCode !== undefined) return exit.exitCode;
  return timeline.find({ kind: 'terminated', container, source: 'status' }).at(-1)?.exitCode;
}

const lastReason = (timeline: Timeline, container: string) =>
  timeline.find({ kind: 'terminated', container, source: 'status' }).at(-1)?.reason;

export interface GraceOptions {
  /** terminationGracePeriodSeconds. */
  graceSeconds: number;
  /** The containers running when the Pod was told to stop (sidecars and apps). */
  containers: string[];
  apps: string[];
}

export interface GraceExpiry {
  /** When the kubelet began stopping the Pod. */
  start: TimelineRecord;
  /** start + grace, the earliest the budget can have run out. */
  expiryNs: bigint;
  /** Containers stopped when the budget ran out: killed (exit 137), or stopped at or after expiry. */
  stopped: { container: string; exit: TimelineRecord; killed: boolean }[];
}

/**
 * Which containers the kubelet stopped because the grace period ran out: those killed (exit 137,
 * not OOMKilled) and those whose exit came at or after the earliest moment the budget could have run
 * out (start + grace). Undefined when the shutdown's start was not seen.
 */
export function graceExpiryOf(timeline: Timeline, options: GraceOptions): GraceExpiry | undefined {
  const start = shutdownStart(timeline, options);
  if (!start) return undefined;
  const expiryNs = start.ns + BigInt(options.graceSeconds) * NS_PER_SECOND;
  const stopped = options.containers.flatMap((container) => {
    const exit = exitOf(timeline, container);
    if (!exit) return [];
    const killed =
      lastExitCode(timeline, container) === KILLED_EXIT_CODE &&
      lastReason(timeline, container) !== 'OOMKilled';
    return killed || latest(exit) >= expiryNs ? [{ container, exit, killed }] : [];
  });
  return { start, expiryNs, stopped };
}

/** `23:47:35.000`, marked when it rests on a whole-second start. */
const expiryText = (expiry: GraceExpiry) =>
  `${displayTime(expiry.expiryNs)}${expiry.start.precision === 'second' ? ' (whole second)' : ''}`;

export interface ShutdownBudgetOptions extends GraceOptions {
  /** Allowed excess over grace + 2 s (the kubelet's second-truncated bookkeeping, a loaded node). */
  toleranceMs: number;
}

/**
 * The Pod's shutdown ends within its budget: from the kubelet's first Killing to the last
 * container's exit at most grace + 2 s (the minimum kill window) + tolerance.
 */
export function shutdownWithinBudget(timeline: Timeline, options: ShutdownBudgetOptions): AssertionResult {
  const { graceSeconds, toleranceMs, containers } = options;
  const maxMs = graceSeconds * 1000 + MINIMUM_KILL_WINDOW_MS + toleranceMs;
  const rule = `the Pod's shutdown ends within its ${graceSeconds} s grace period + ${MINIMUM_KILL_WINDOW_MS / 1000} s + ${toleranceMs} ms`;
  const expected = `last exit ≤ ${maxMs} ms after the kubelet began stopping the Pod`;
  const start = shutdownStart(timeline, options);
  const exits = containers.map((c) => ({ container: c, exit: exitOf(timeline, c) }));
  const missing = exits.filter((e) => !e.exit).map((e) => e.container);
  if (!start || missing.length) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: !start
        ? 'the shutdown was never seen to begin (no delete, no Killing event, no app exit)'
        : `${missing.join(', ')} never exited`,
      containers,
      evidence: [start, ...exits.map((e) => e.exit)],
    });
  }
  const last = exits.reduce((a, b) =>
    (b.exit as TimelineRecord).ns > (a.exit as TimelineRecord).ns ? b : a,
  );
  const end = last.exit as TimelineRecord;
  const range = spanBounds(start, end);
  const ms = Math.round(nsToMs(range.point));
  const coarse = range.hi !== range.lo;
  const figure = coarse
    ? `${ms} ms, between ${Math.round(nsToMs(range.lo))} and ${Math.round(nsToMs(range.hi))} ms at whole-second precision`
    : `${ms} ms`;
  return result({
    rule,
    verdict: withinBounds(range, { maxNs: msToNs(maxMs) }),
    expected,
    actual: `${figure} (${start.reason ?? start.kind} ${atFrom(start)} → ${last.container} exited ${atFrom(end)})`,
    containers,
    evidence: [start, end],
    measurement: { value: ms, unit: 'ms', max: maxMs },
    span: { from: start, to: end },
  });
}

export interface GraceExpiryReportOptions extends GraceOptions {
  /** Allowed excess over the 2 s kill window. */
  toleranceMs: number;
}

/**
 * Whether the grace period ran out, and if so which containers it stopped and how: "second-sidecar,
 * first-sidecar stopped together when the 5 s grace period ran out", the instant and each kill in
 * what was seen ("the grace period ran out at 23:47:35.000 (whole second); second-sidecar killed
 * (exit 137) at …"). Running out is the kubelet's documented behaviour, not a
 * failure; what fails is a container killed (exit 137) before the budget can have run out (the
 * kubelet owes every container its grace), or later than 2 s + tolerance after it.
 */
export function graceExpiryReport(timeline: Timeline, options: GraceExpiryReportOptions): AssertionResult {
  const expiry = graceExpiryOf(timeline, options);
  const { graceSeconds, containers, toleranceMs } = options;
  if (!expiry || expiry.stopped.length === 0) {
    return result({
      rule: `every container stops before the ${graceSeconds} s grace period runs out`,
      verdict: expiry ? 'pass' : 'undecided',
      expected: 'each container exits on SIGTERM, within the budget',
      actual: expiry
        ? `no container was killed or stopped at or after ${expiryText(expiry)}`
        : 'the shutdown was never seen to begin',
      containers,
      evidence: [expiry?.start],
      measurement: { value: 0, unit: 'count' },
    });
  }
  const names = expiry.stopped.map((s) => s.container);
  const earliestNs = expiry.expiryNs - NS_PER_SECOND;
  const latestNs = expiry.expiryNs + msToNs(MINIMUM_KILL_WINDOW_MS + toleranceMs) + NS_PER_SECOND;
  const early = expiry.stopped.filter((s) => s.killed && latest(s.exit) < earliestNs);
  const late = expiry.stopped.filter((s) => s.exit.ns > latestNs);
  const offset = (s: { exit: TimelineRecord }) => {
    const ms = Math.round(nsToMs(s.exit.ns - expiry.expiryNs));
    return ms >= 0 ? `${ms} ms after` : `${-ms} ms before`;
  };
  const how = expiry.stopped
    .map(
      (s) =>
        `${s.container} ${s.killed ? `killed (exit ${KILLED_EXIT_CODE})` : 'stopped'} at ${atFrom(s.exit)}, ${offset(s)} expiry`,
    )
    .join('; ');
  const together = names.length > 1 ? ' stopped together' : ' was stopped';
  const wrong = [
    ...early.map((s) => `${s.container} was killed before its grace period ran out`),
    ...late.map(
      (s) =>
        `${s.container} was stopped more than ${MINIMUM_KILL_WINDOW_MS + toleranceMs} ms after it ran out`,
    ),
  ];
  return result({
    // The instant is in `actual`: the sentence stays the same from run to run, so runs compare.
    rule: `${names.join(', ')}${together} when the ${graceSeconds} s grace period ran out`,
    verdict: wrong.length === 0,
    expected: `containers still running at grace expiry get SIGTERM then and SIGKILL ${MINIMUM_KILL_WINDOW_MS / 1000} s later (within ${MINIMUM_KILL_WINDOW_MS + toleranceMs} ms); none is killed before; their order is not enforced`,
    actual: `${wrong.length ? `${wrong.join('; ')}: ` : ''}the grace period ran out at ${expiryText(expiry)}; ${how} (the kubelet began stopping the Pod ${atFrom(expiry.start)})`,
    containers: names,
    evidence: [expiry.start, ...expiry.stopped.map((s) => s.exit)],
    measurement: { value: names.length, unit: 'count' },
  });
}

export interface ReverseShutdownOptions extends GraceOptions {
  sidecars: string[];
  /** Bound on each gap between two containers that stopped in order (default 0 – grace). */
  maxGapMs?: number;
}

/**
 * The apps stop first, then the sidecars in reverse manifest order, each within the grace period
 * of the one before (the first measured from the app that exited last). Exits come from the runtime
 * or the container status, never a log line. A container stopped because the grace period ran out
 * (graceExpiryOf) is held to the order only against one that stopped before the budget ran out,
 * never to a gap; two such containers are not compared at all — they were stopped together.
 */
export function reverseShutdownOrder(timeline: Timeline, options: ReverseShutdownOptions): AssertionResult[] {
  const { sidecars, apps, graceSeconds } = options;
  const maxMs = options.maxGapMs ?? graceSeconds * 1000;
  const expired = new Set(graceExpiryOf(timeline, options)?.stopped.map((s) => s.container) ?? []);
  const reversed = [...sidecars].reverse();
  const firstSidecar = reversed[0];
  if (!firstSidecar || apps.length === 0) return [];
  const exitNs = (c: string) => exitOf(timeline, c)?.ns ?? -1n;
  const lastApp = apps.reduce((latestApp, app) => (exitNs(app) > exitNs(latestApp) ? app : latestApp));
  const rules: AssertionResult[] = [];
  const together = (a: string, b: string) => expired.has(a) && expired.has(b);
  // The last app to exit is compared with the first sidecar in the chain below.
  for (const app of apps.filter((a) => a !== lastApp)) {
    if (!together(app, firstSidecar)) rules.push(exitsBefore(timeline, { first: app, then: firstSidecar }));
  }
  let previous = lastApp;
  for (const sidecar of reversed) {
    if (together(previous, sidecar)) {
      // Reported by graceExpiryReport: stopped together when the budget ran out.
    } else if (expired.has(sidecar)) {
      rules.push(exitsBefore(timeline, { first: previous, then: sidecar }));
    } else {
      rules.push(stopsAfter(timeline, { first: previous, then: sidecar, minMs: 0, maxMs }));
    }
    previous = sidecar;
  }
  return rules;
}
