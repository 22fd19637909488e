/**
 * SYNTHETIC EXAMPLE support: a terse way to write the timelines of `example-run.ts`.
 * Goes away with it once fixtures recorded from live runs replace the example.
 */
import type { AssertionResult } from '../assert/result.js';
import type { ScenarioResult } from '../scenarios/result.js';
import type { Precision, RecordKind, RecordSource, TimelineRecord } from '../timeline/record.js';
import { formatTimeNs, msToNs, nsToMs } from '../timeline/time.js';
import { Timeline, type RecordQuery } from '../timeline/timeline.js';

type Detail = Pick<TimelineRecord, 'reason' | 'message' | 'restartCount' | 'exitCode'>;

/** One fact, `at` ms after the scenario began; no container means the Pod. */
export interface Fact {
  at: number;
  source: RecordSource;
  kind: RecordKind;
  container?: string;
  detail?: Detail;
}

const NS_PER_SECOND = 1_000_000_000n;
const OBSERVE_DELAY_NS = msToNs(35);

const fact = (
  at: number,
  source: RecordSource,
  kind: RecordKind,
  container?: string,
  detail?: Detail,
): Fact => ({
  at,
  source,
  kind,
  container,
  detail,
});

export const applied = (manifest: string) => fact(0, 'harness', 'applied', undefined, { message: manifest });
export const scheduled = (at: number) =>
  fact(at, 'event', 'scheduled', undefined, {
    reason: 'Scheduled',
    message: 'Successfully assigned pod to node',
  });
export const started = (at: number, container: string, restartCount = 0) =>
  fact(at, 'status', 'started', container, { restartCount });
export const startedEvent = (at: number, container: string) =>
  fact(at, 'event', 'started', container, { reason: 'Started', message: `Started container ${container}` });
export const restarted = (at: number, container: string, restartCount: number) =>
  fact(at, 'status', 'restarted', container, { restartCount });
export const ready = (at: number, container: string) => fact(at, 'status', 'ready', container);
export const notReady = (at: number, container: string) => fact(at, 'status', 'not-ready', container);
export const podReady = (at: number) => fact(at, 'status', 'pod-ready');
export const podNotReady = (at: number) => fact(at, 'status', 'pod-not-ready');
export const podPhase = (at: number, phase: string) =>
  fact(at, 'status', 'pod-phase', undefined, { reason: phase });
export const deleteRequested = (at: number) => fact(at, 'harness', 'delete-requested');
export const podGone = (at: number) => fact(at, 'harness', 'pod-gone');
export const logLine = (at: number, container: string, message = container) =>
  fact(at, 'log', 'log', container, { message });
export const killing = (at: number, container: string, message = `Stopping container ${container}`) =>
  fact(at, 'event', 'killing', container, { reason: 'Killing', message });
export const unhealthy = (at: number, container: string, message: string) =>
  fact(at, 'event', 'unhealthy', container, { reason: 'Unhealthy', message });
export const exited = (at: number, container: string, exitCode = 0) =>
  fact(at, 'status', 'terminated', container, { reason: exitCode === 0 ? 'Completed' : 'Error', exitCode });

/** What each source can tell: log lines carry nanoseconds, Events and statuses seconds, readiness only when seen. */
function precisionOf(source: RecordSource, kind: RecordKind): Precision {
  if (source === 'log') return 'exact';
  if (source === 'harness' || ['ready', 'not-ready', 'pod-ready', 'pod-not-ready'].includes(kind))
    return 'observed';
  return 'second';
}

export function timelineOf(startNs: bigint, facts: Fact[]): Timeline {
  const timeline = new Timeline();
  for (const { at, source, kind, container, detail } of facts) {
    const trueNs = startNs + msToNs(at);
    const precision = precisionOf(source, kind);
    const ns = precision === 'second' ? trueNs - (trueNs % NS_PER_SECOND) : trueNs;
    const time = precision === 'second' ? `${formatTimeNs(ns).slice(0, 19)}Z` : formatTimeNs(ns);
    const observedNs = trueNs + OBSERVE_DELAY_NS;
    timeline.add({ source, kind, container, time, ns, precision, observedNs, ...detail });
  }
  return timeline;
}

export function pick(timeline: Timeline, query: RecordQuery, index = 0): TimelineRecord {
  const record = timeline.find(query)[index];
  if (!record) throw new Error(`example timeline has no record #${index} matching ${JSON.stringify(query)}`);
  return record;
}

/** An exit-gap rule over two exact log lines, shaped as the assert step reports it. */
export function exitGap(
  rule: string,
  first: TimelineRecord,
  second: TimelineRecord,
  bounds: { min: number; max: number },
): AssertionResult {
  const value = Math.round(nsToMs(second.ns - first.ns));
  const { min, max } = bounds;
  return {
    rule,
    passed: value >= min && value <= max,
    expected: `gap >= ${min} ms and <= ${max} ms`,
    actual: `${value} ms`,
    measurement: { value, unit: 'ms', min, max },
    containers: [first.container ?? '', second.container ?? ''],
    evidence: [first, second],
  };
}

/** A scenario ending shortly after its last record, passed when it has no error and no broken rule. */
export function finishScenario(
  fields: Omit<ScenarioResult, 'startedAt' | 'finishedAt' | 'durationMs' | 'passed'>,
  startNs: bigint,
): ScenarioResult {
  const endNs = (fields.timeline.records.at(-1)?.ns ?? startNs) + msToNs(400);
  return {
    ...fields,
    startedAt: formatTimeNs(startNs),
    finishedAt: formatTimeNs(endNs),
    durationMs: Math.round(nsToMs(endNs - startNs)),
    passed: fields.error === undefined && fields.assertions.every((a) => a.passed),
  };
}
