import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { orderOf, spanBounds, withinBounds } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules about a Pod across an operation on its node: a kubelet restart, or a node reboot (kubelet
 * stopped, every pod sandbox stopped, kubelet started). The operation is the harness's pair of
 * marks, `kubelet-stopped` just before the stop and `kubelet-answered` once the kubelet answers its
 * health check again, on the harness's clock, which on the local provider (the only one that makes
 * these operations) is the node's clock too: runtime and status times compare with it.
 */

/** Which operation the marks name (their reason). */
export type NodeOperationName = 'kubelet restart' | 'node reboot';

const UNDECIDED_NOTE = 'the times are too coarse to tell the order';

const stoppedMark = (timeline: Timeline, operation: NodeOperationName) =>
  timeline.first({ kind: 'kubelet-stopped', reason: operation });
const answeredMark = (timeline: Timeline, operation: NodeOperationName) =>
  timeline.first({ kind: 'kubelet-answered', reason: operation });

const byNs = (a: TimelineRecord, b: TimelineRecord) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : a.seq - b.seq);

/**
 * The first start of `container` after `mark`: the runtime's (ns) when the harness has one, else
 * the status's whole second, leaving out the instances whose start the runtime gave (it told when
 * they started); with whole seconds a start in the mark's own second is undecided and kept as such.
 */
function firstStartAfter(
  timeline: Timeline,
  container: string,
  mark: TimelineRecord,
): { start: TimelineRecord | undefined; unsure: boolean } {
  const runtime = timeline.find({ kind: 'started', container, source: 'runtime' });
  const exact = runtime.find((r) => orderOf(mark, r) === 'pass');
  if (exact) return { start: exact, unsure: false };
  const known = new Set(runtime.map((r) => r.restartCount));
  const status = timeline
    .find({ kind: 'started', container, source: 'status' })
    .filter((r) => !known.has(r.restartCount));
  const after = status.find((r) => orderOf(mark, r) === 'pass');
  const unsure = status.find((r) => orderOf(mark, r) === 'undecided');
  if (unsure && (!after || byNs(unsure, after) < 0)) return { start: unsure, unsure: true };
  return { start: after, unsure: false };
}

export interface StartsAgainAfterNodeOptions {
  container: string;
  operation: NodeOperationName;
  /** Upstream's wait for it, from the kubelet answering again. */
  withinMs: number;
}

/**
 * A new instance of `container` starts after the operation began (the `kubelet-stopped` mark),
 * within `withinMs` of the kubelet answering again; the time from the kubelet answering to that
 * start is the measurement.
 */
export function startsAgainAfterNode(
  timeline: Timeline,
  options: StartsAgainAfterNodeOptions,
): AssertionResult {
  const { container, operation, withinMs } = options;
  const stopped = stoppedMark(timeline, operation);
  const answered = answeredMark(timeline, operation);
  const rule = `${container} starts again after the ${operation}, within ${withinMs} ms of the kubelet answering`;
  const expected = `a start of ${container} after the kubelet was stopped, ≤ ${withinMs} ms after it answered again`;
  if (!stopped || !answered) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `the ${operation} was not recorded`,
      containers: [container],
      evidence: [stopped, answered, ...timeline.find({ kind: 'started', container })],
      missing: missingOf({
        [`the kubelet's stop for the ${operation}`]: stopped,
        [`the kubelet answering after the ${operation}`]: answered,
      }),
    });
  }
  const { start, unsure } = firstStartAfter(timeline, container, stopped);
  const starts = timeline.find({ kind: 'started', container, source: 'status' });
  if (!start) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${container} started ${starts.map((r) => atFrom(r)).join(', ') || 'never'}; none after the kubelet was stopped at ${at(stopped)}`,
      containers: [container],
      evidence: [stopped, answered, ...starts.slice(-3)],
      missing: [`a start of ${container} after the ${operation}`],
    });
  }
  const range = spanBounds(answered, start);
  const ms = Math.round(nsToMs(range.point));
  const verdict: Verdict = unsure ? 'undecided' : withinBounds(range, { maxNs: msToNs(withinMs) });
  return result({
    rule,
    verdict,
    expected,
    actual: `kubelet stopped ${at(stopped)}, answered ${at(answered)}; ${container} started again ${atFrom(start)} (restart ${start.restartCount ?? '?'}), ${ms} ms after the kubelet answered${unsure ? `: ${UNDECIDED_NOTE} (the stop and the start)` : ''}`,
    containers: [container],
    evidence: [stopped, answered, start],
    measurement: { value: ms, unit: 'ms', max: withinMs },
    span: { from: answered, to: start },
  });
}

/**
 * After the operation each container's first new instance starts before the next one's: upstream's
 * second-run order (`init-1 < restartable-init-2 < init-3 < regular-1`), one result per pair.
 */
export function startOrderAfterNode(
  timeline: Timeline,
  options: { order: string[]; operation: NodeOperationName },
): AssertionResult[] {
  const { order, operation } = options;
  const stopped = stoppedMark(timeline, operation);
  const startAfter = (c: string) => (stopped ? firstStartAfter(timeline, c, stopped).start : undefined);
  return order.slice(1).map((then, i) => {
    const first = order[i] as string;
    const sa = startAfter(first);
    const sb = startAfter(then);
    const verdict: Verdict = sa && sb ? orderOf(sa, sb) : 'fail';
    const actual = `after the kubelet was stopped at ${at(stopped)}: ${first} started ${atFrom(sa)}, ${then} started ${atFrom(sb)}`;
    return result({
      rule: `after the ${operation}, ${first}'s new instance starts before ${then}'s`,
      verdict,
      expected: `${first} started again before ${then} started again`,
      actual: verdict === 'undecided' ? `${actual}: ${UNDECIDED_NOTE}` : actual,
      containers: [first, then],
      evidence: [stopped, sa, sb],
      missing: missingOf({
        [`the kubelet's stop for the ${operation}`]: stopped,
        [`a start of ${first} after the ${operation}`]: sa,
        [`a start of ${then} after the ${operation}`]: sb,
      }),
    });
  });
}

export interface PhaseWhenRestartSeenOptions {
  container: string;
  phase: string;
}

/**
 * The Pod's phase is `phase` in the status update that first shows `container` restarted
 * (restartCount ≥ 1): upstream's "the pod should remain in the pending phase until it is
 * re-initialized", read on the observation that brought the restart (both facts from one update).
 */
export function phaseWhenRestartSeen(
  timeline: Timeline,
  options: PhaseWhenRestartSeenOptions,
): AssertionResult {
  const { container, phase } = options;
  const restarted = timeline
    .find({ container, source: 'status' })
    .filter((r) => (r.restartCount ?? 0) >= 1)
    .sort((a, b) => (a.observedNs < b.observedNs ? -1 : a.observedNs > b.observedNs ? 1 : a.seq - b.seq))[0];
  const phases = timeline.find({ kind: 'pod-phase' });
  const history = phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen';
  const rule = `the Pod is ${phase} in the status update that first shows ${container} restarted`;
  const expected = `phase ${phase} when ${container}'s restartCount ≥ 1 is first seen`;
  if (!restarted) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `${container} was never seen restarted; phases ${history}`,
      containers: [container],
      evidence: phases,
      missing: [`a status of ${container} with restartCount ≥ 1`],
    });
  }
  const then = phases.filter((p) => p.observedNs <= restarted.observedNs).at(-1);
  return result({
    rule,
    verdict: then?.reason === phase,
    expected,
    actual: `${container} first seen with restartCount ${restarted.restartCount} at ${at({ ...restarted, ns: restarted.observedNs, precision: 'observed' })} (${restarted.kind}); the Pod was ${then?.reason ?? 'of no phase yet'} then; phases ${history}`,
    containers: [container],
    evidence: [restarted, then, ...phases.filter((p) => p !== then)],
  });
}

export interface StatusHeldAcrossOptions {
  container: string;
  operation: NodeOperationName;
}

/** The status changes that say a running, started, ready container was not so in some update. */
const BREAKS: ReadonlySet<TimelineRecord['kind']> = new Set([
  'started',
  'startup-passed',
  'startup-reset',
  'ready',
  'not-ready',
  'restarted',
  'terminated',
]);

/**
 * Across the operation, every status update kept the container started (`started: true`), ready,
 * at restartCount 0, and the Pod Running: just before the kubelet was stopped its status said so,
 * and from then to the end no update changed any of it. The timeline keeps a status record only
 * where an update changed something, so "every update said so" is "it said so before, and no
 * record after": a `startup-reset` (started turned false), a `not-ready`, a restart, a termination,
 * a new instance, or a `startup-passed`/`ready` (it had lost them in between), or any new phase.
 */
export function statusHeldAcross(timeline: Timeline, options: StatusHeldAcrossOptions): AssertionResult {
  const { container, operation } = options;
  const stopped = stoppedMark(timeline, operation);
  const answered = answeredMark(timeline, operation);
  const rule = `${container}'s status stays started, ready and at restartCount 0, and the Pod Running, in every update from the ${operation} to the end`;
  const expected = `before the ${operation}: started, ready, restartCount 0, phase Running; from it to the end: no update changing any of them`;
  const mine = timeline.find({ container, source: 'status' });
  if (!stopped) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `the ${operation} was not recorded`,
      containers: [container],
      evidence: mine.slice(-5),
      missing: [`the kubelet's stop for the ${operation}`],
    });
  }
  const seenBefore = (r: TimelineRecord) => r.observedNs < stopped.observedNs;
  const before = mine.filter(seenBefore);
  const startup = before.filter((r) => r.kind === 'startup-passed' || r.kind === 'startup-reset').at(-1);
  const readiness = before.filter((r) => r.kind === 'ready' || r.kind === 'not-ready').at(-1);
  const restarts = before.reduce((max, r) => Math.max(max, r.restartCount ?? 0), 0);
  const phaseBefore = timeline.find({ kind: 'pod-phase' }).filter(seenBefore).at(-1);
  const wrongBefore = [
    startup?.kind !== 'startup-passed'
      ? `not started (${startup ? `${startup.kind} ${at(startup)}` : 'started: true never seen'})`
      : '',
    readiness?.kind !== 'ready'
      ? `not ready (${readiness ? `${readiness.kind} ${at(readiness)}` : 'ready never seen'})`
      : '',
    restarts > 0 ? `restartCount ${restarts}` : '',
    phaseBefore?.reason !== 'Running' ? `the Pod ${phaseBefore?.reason ?? 'of no phase'}` : '',
  ].filter(Boolean);
  const after = (r: TimelineRecord) => !seenBefore(r);
  const broken = [
    ...mine.filter((r) => after(r) && (BREAKS.has(r.kind) || (r.restartCount ?? 0) > 0)),
    ...timeline.find({ kind: 'pod-phase' }).filter((r) => after(r) && r.reason !== 'Running'),
  ].sort(byNs);
  const describe = (r: TimelineRecord) =>
    `${r.container ?? 'Pod'} ${r.kind}${r.kind === 'pod-phase' ? ` ${r.reason}` : ''}${
      r.restartCount ? ` (restartCount ${r.restartCount})` : ''
    } seen ${at({ ...r, ns: r.observedNs, precision: 'observed' })}`;
  const window = `kubelet stopped ${at(stopped)}, answered ${at(answered)}`;
  const actual = [
    wrongBefore.length
      ? `just before the ${operation}: ${wrongBefore.join(', ')}`
      : `just before the ${operation}: started, ready, restartCount 0, Pod Running`,
    broken.length
      ? `${broken.length} changing update(s) after it: ${broken.slice(0, 4).map(describe).join('; ')}`
      : `no update changed them after it (${window})`,
  ].join('; ');
  return result({
    rule,
    verdict: wrongBefore.length === 0 && broken.length === 0,
    expected,
    actual,
    containers: [container],
    evidence: [startup, readiness, phaseBefore, stopped, answered, ...broken.slice(0, 6)],
    measurement: { value: broken.length, unit: 'count', max: 0 },
    claim: 'absence',
    missing: missingOf({
      [`${container} started: true before the ${operation}`]: startup,
      [`${container} ready before the ${operation}`]: readiness,
    }),
  });
}
