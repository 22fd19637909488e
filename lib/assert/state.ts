import type { Timeline } from '../timeline/timeline.js';
import { readyAtEnd, restartCount } from './queries.js';
import type { AssertionResult } from './result.js';
import { at, result } from './rule.js';

/** Rules about states: restarts, Events, Pod phase and readiness, termination. */

const times = (n: number) => `${n} time${n === 1 ? '' : 's'}`;

export function hasRestarted(
  timeline: Timeline,
  options: { container: string; atLeast?: number },
): AssertionResult {
  const { container, atLeast = 1 } = options;
  const restarts = timeline.find({ kind: 'restarted', container });
  const count = restartCount(timeline, container);
  return result({
    rule: `${container} has restarted ≥ ${times(atLeast)}`,
    verdict: count >= atLeast,
    expected: `restartCount ≥ ${atLeast}`,
    actual: `restartCount ${count}${restarts[0] ? `, first restart ${at(restarts[0])}` : ''}`,
    containers: [container],
    evidence: restarts.length
      ? restarts
      : timeline.find({ container, kind: ['started', 'terminated', 'killing'] }),
    measurement: { value: count, unit: 'count', min: atLeast },
  });
}

export function neverRestarted(timeline: Timeline, options: { container: string }): AssertionResult {
  const { container } = options;
  const count = restartCount(timeline, container);
  return result({
    rule: `${container} is never restarted`,
    verdict: count === 0,
    expected: 'restartCount 0',
    actual: `restartCount ${count}`,
    containers: [container],
    evidence: timeline.find({ kind: 'restarted', container }),
    measurement: { value: count, unit: 'count', max: 0 },
    claim: 'absence',
  });
}

export interface EventOptions {
  reason: string;
  container: string;
  /** The Event's message must match. */
  message?: RegExp;
}

/** An Event with this reason names the container (and its message matches, when given). */
export function hasEvent(timeline: Timeline, options: EventOptions): AssertionResult {
  const { reason, container, message } = options;
  const events = timeline
    .find({ source: 'event', reason, container })
    .filter((r) => !message || message.test(r.message ?? ''));
  const rule = `a ${reason} event names ${container}${message ? ` with a message matching /${message.source}/` : ''}`;
  const measurement = { value: events.length, unit: 'count' as const, min: 1 };
  if (events.length === 0) {
    // Nothing to point at: show where we looked and what the container's Events did say.
    const all = timeline.records;
    const said = timeline.find({ source: 'event', container });
    return result({
      rule,
      verdict: false,
      expected: `at least one ${reason} event`,
      actual: `0 ${reason} events between ${at(all[0])} and ${at(all.at(-1))}`,
      containers: [container],
      evidence: [all[0], ...said.slice(-5), all.at(-1)],
      measurement,
      missing: [`a ${reason} event of ${container}`],
    });
  }
  return result({
    rule,
    verdict: true,
    expected: `at least one ${reason} event`,
    actual: `${events.length} ${reason} event(s), first ${at(events[0])}: ${events[0]?.message ?? ''}`,
    containers: [container],
    evidence: events.slice(0, 5),
    measurement,
  });
}

export function noEvent(timeline: Timeline, options: EventOptions): AssertionResult {
  const { reason, container, message } = options;
  const events = timeline
    .find({ source: 'event', reason, container })
    .filter((r) => !message || message.test(r.message ?? ''));
  return result({
    rule: `no ${reason} event names ${container}${message ? ` with a message matching /${message.source}/` : ''}`,
    verdict: events.length === 0,
    expected: `no ${reason} event`,
    actual: `${events.length} ${reason} event(s)`,
    containers: [container],
    evidence: events,
    measurement: { value: events.length, unit: 'count', max: 0 },
    claim: 'absence',
  });
}

const phaseHistory = (timeline: Timeline) => {
  const phases = timeline.find({ kind: 'pod-phase' });
  return { phases, text: phases.map((p) => `${p.reason} ${at(p)}`).join(' → ') || 'no phase seen' };
};

/** The Pod's last observed phase. */
export function podPhaseIs(timeline: Timeline, options: { phase: string }): AssertionResult {
  const { phases, text } = phaseHistory(timeline);
  return result({
    rule: `Pod phase is ${options.phase}`,
    verdict: phases.at(-1)?.reason === options.phase,
    expected: options.phase,
    actual: text,
    containers: [],
    evidence: phases,
  });
}

/** The Pod's phase never left `phase` once reached (e.g. stays Running while a sidecar restarts). */
export function podStaysIn(timeline: Timeline, options: { phase: string }): AssertionResult {
  const { phases, text } = phaseHistory(timeline);
  const firstAt = phases.findIndex((p) => p.reason === options.phase);
  return result({
    rule: `Pod stays ${options.phase}`,
    verdict: firstAt >= 0 && phases.length === firstAt + 1,
    expected: `phase ${options.phase} reached and kept`,
    actual: text,
    containers: [],
    evidence: phases,
    claim: 'absence',
  });
}

/** The Pod reached a terminal phase (Succeeded or Failed). */
export function podCompletes(timeline: Timeline): AssertionResult {
  const { phases, text } = phaseHistory(timeline);
  const last = phases.at(-1)?.reason;
  return result({
    rule: 'Pod completes (phase Succeeded or Failed)',
    verdict: last === 'Succeeded' || last === 'Failed',
    expected: 'phase Succeeded or Failed',
    actual: text,
    containers: [],
    evidence: phases,
  });
}

/** `READY n/m` as kubectl shows it: ready containers (app and sidecars) out of all of them, at the end. */
export function readyCountIs(
  timeline: Timeline,
  options: { containers: string[]; ready: number },
): AssertionResult {
  const { containers, ready: expected } = options;
  const ready = containers.filter((c) => readyAtEnd(timeline, c));
  return result({
    rule: `READY ${expected}/${containers.length}`,
    verdict: ready.length === expected,
    expected: `${expected}/${containers.length} containers ready`,
    actual: `${ready.length}/${containers.length} ready${ready.length ? ` (${ready.join(', ')})` : ''}`,
    containers,
    evidence: containers.map((c) => timeline.find({ kind: ['ready', 'not-ready'], container: c }).at(-1)),
    measurement: { value: ready.length, unit: 'count', min: expected, max: expected },
  });
}

/** The Pod's Ready condition at the end of the timeline. */
export function podReadyIs(timeline: Timeline, options: { ready: boolean }): AssertionResult {
  const changes = timeline.find({ kind: ['pod-ready', 'pod-not-ready'] });
  const last = changes.at(-1);
  const isReady = last?.kind === 'pod-ready';
  const word = (b: boolean) => (b ? 'True' : 'False');
  return result({
    rule: `Pod Ready=${word(options.ready)} at the end`,
    verdict: isReady === options.ready,
    expected: `Ready=${word(options.ready)}`,
    actual: last ? `Ready=${word(isReady)} since ${at(last)}` : 'no Ready condition seen',
    containers: [],
    evidence: changes,
  });
}

/** The Pod was never Ready over the whole timeline. */
export function podNeverReady(timeline: Timeline): AssertionResult {
  const ready = timeline.find({ kind: 'pod-ready' });
  return result({
    rule: 'Pod is never Ready',
    verdict: ready.length === 0,
    expected: 'no Ready=True',
    actual: `${ready.length} time(s) Ready`,
    containers: [],
    evidence: ready,
    claim: 'absence',
  });
}

/** The container's last instance terminated with this reason and exit code. */
export function terminatedWith(
  timeline: Timeline,
  options: { container: string; reason: string; exitCode: number },
): AssertionResult {
  const { container, reason, exitCode } = options;
  const last = timeline.find({ kind: 'terminated', container, source: 'status' }).at(-1);
  return result({
    rule: `${container} ends ${reason} with exit code ${exitCode}`,
    verdict: last?.reason === reason && last?.exitCode === exitCode,
    expected: `reason ${reason}, exit ${exitCode}`,
    actual: last ? `reason ${last.reason}, exit ${last.exitCode} at ${at(last)}` : 'not terminated',
    containers: [container],
    evidence: [last],
  });
}
