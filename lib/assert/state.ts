import type { Timeline } from '../timeline/timeline.js';
import type { AssertionResult } from './result.js';
import { at, result } from './rule.js';

/** Rules about states: restarts, Events, Pod phase and readiness, termination. */

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
