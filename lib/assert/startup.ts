import type { TimelineRecord } from '../timeline/record.js';
import { displayTime } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { orderOf, startOf } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { atFrom, result } from './rule.js';

/**
 * Rules about what a container waits for before the kubelet starts it: every sidecar declared
 * before it has started (its status says `started: true`, i.e. its startupProbe passed, or it has
 * none and runs), and every plain init container declared before it has completed with exit 0.
 */

/**
 * The first status update that showed the container having run (running, or already terminated
 * when it ran too briefly for a running state to be seen).
 */
function firstSeenRun(timeline: Timeline, container: string): TimelineRecord | undefined {
  return timeline.first({ kind: ['started', 'terminated'], container, source: 'status' });
}

/** When the harness saw the status update arrive, on its own clock: `23:47:31.060`. */
const seen = (r: TimelineRecord) => displayTime(r.observedNs);

export interface StartsAfterStartupOptions {
  /** A sidecar: an init container with restartPolicy Always. */
  sidecar: string;
  /** A container declared after it (a later init container or an app). */
  then: string;
}

/**
 * `then` starts only after `sidecar` reported `started: true`. The flag carries no time of its own,
 * so the rule reads the order of the status updates the harness saw (one clock, no skew): the
 * sidecar shown started in an update before the one that first showed `then` running passes; `then`
 * shown running in an update before any that showed the sidecar started fails; both first shown in
 * one update is undecided.
 */
export function startsAfterStartup(timeline: Timeline, options: StartsAfterStartupOptions): AssertionResult {
  const { sidecar, then } = options;
  const passed = timeline.first({ kind: 'startup-passed', container: sidecar });
  const start = startOf(timeline, then);
  const thenSeen = firstSeenRun(timeline, then);
  const rule = `${then} starts only after ${sidecar} reported started: true`;
  const expected = `${sidecar} shown started: true in a status update before the one that first shows ${then} running`;
  const containers = [sidecar, then];
  if (!start || !thenSeen) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${then} never started; ${sidecar} started: true ${passed ? `seen at ${seen(passed)}` : 'never seen'}`,
      containers,
      evidence: [passed],
    });
  }
  if (!passed) {
    const sidecarRan = startOf(timeline, sidecar);
    return result({
      rule,
      // A sidecar that ran but whose flag the harness never saw true: its updates were missed.
      verdict: sidecarRan ? 'undecided' : 'fail',
      expected,
      actual: sidecarRan
        ? `${then} started ${atFrom(start)}; the harness saw ${sidecar} run (${atFrom(sidecarRan)}) but never saw started: true`
        : `${then} started ${atFrom(start)}; ${sidecar} never started`,
      containers,
      evidence: [sidecarRan, start],
    });
  }
  const order =
    passed.observedNs < thenSeen.observedNs
      ? 'pass'
      : passed.observedNs > thenSeen.observedNs
        ? 'fail'
        : 'undecided';
  const actual =
    order === 'pass'
      ? `${sidecar} started: true seen at ${seen(passed)}, before ${then} was seen running at ${seen(thenSeen)} (started ${atFrom(start)})`
      : order === 'fail'
        ? `the status showed ${then} running (seen at ${seen(thenSeen)}, started ${atFrom(start)}) before it showed ${sidecar} started: true (seen at ${seen(passed)})`
        : `${sidecar} started: true and ${then} running were first shown in one status update (seen at ${seen(passed)}): the order cannot be told`;
  return result({ rule, verdict: order, expected, actual, containers, evidence: [passed, thenSeen, start] });
}

export interface StartsAfterCompletionOptions {
  /** A plain init container (no restartPolicy Always). */
  init: string;
  then: string;
}

/** The first time the container exited 0: the runtime's (ns) when it has the exit code, else the status's. */
function firstSuccess(timeline: Timeline, container: string): TimelineRecord | undefined {
  const ok = (r: TimelineRecord) => r.exitCode === 0;
  return (
    timeline.find({ kind: 'terminated', container, source: 'runtime' }).find(ok) ??
    timeline.find({ kind: 'terminated', container, source: 'status' }).find(ok)
  );
}

/** `then` starts only after the plain init container `init` completed (terminated with exit 0). */
export function startsAfterCompletion(
  timeline: Timeline,
  options: StartsAfterCompletionOptions,
): AssertionResult {
  const { init, then } = options;
  const done = firstSuccess(timeline, init);
  const start = startOf(timeline, then);
  const rule = `${then} starts only after init container ${init} completed (exit 0)`;
  const expected = `${init} exited 0 before ${then} started`;
  const containers = [init, then];
  if (!done || !start) {
    const last = timeline.find({ kind: 'terminated', container: init }).at(-1);
    const initText = done
      ? `${init} exited 0 ${atFrom(done)}`
      : last
        ? `${init} never exited 0 (last exit ${last.exitCode ?? '?'} ${atFrom(last)})`
        : `${init} never exited`;
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${initText}; ${then} ${start ? `started ${atFrom(start)}` : 'never started'}`,
      containers,
      evidence: [last ?? done, start],
    });
  }
  const verdict: Verdict = orderOf(done, start);
  const actual = `${init} exited 0 ${atFrom(done)}, ${then} started ${atFrom(start)}`;
  return result({
    rule,
    verdict,
    expected,
    actual: verdict === 'undecided' ? `${actual}: the times are too coarse to tell the order` : actual,
    containers,
    evidence: [done, start],
  });
}

export interface InitSequence {
  /** spec.initContainers in manifest order, each marked sidecar (restartPolicy Always) or not. */
  initContainers: { name: string; sidecar: boolean }[];
  /** spec.containers, in manifest order. */
  apps: string[];
}

/**
 * What the kubelet makes each container wait for: each init container waits for the one declared
 * just before it (its startup when a sidecar, its completion when plain); every app waits for all
 * of them.
 */
export function startupRules(timeline: Timeline, sequence: InitSequence): AssertionResult[] {
  const waitFor = (before: { name: string; sidecar: boolean }, then: string) =>
    before.sidecar
      ? startsAfterStartup(timeline, { sidecar: before.name, then })
      : startsAfterCompletion(timeline, { init: before.name, then });
  const { initContainers, apps } = sequence;
  return [
    ...initContainers
      .slice(1)
      .map((c, i) => waitFor(initContainers[i] as { name: string; sidecar: boolean }, c.name)),
    ...apps.flatMap((app) => initContainers.map((c) => waitFor(c, app))),
  ];
}
