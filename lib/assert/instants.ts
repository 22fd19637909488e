import type { TimelineRecord } from '../timeline/record.js';
import type { Timeline } from '../timeline/timeline.js';
import type { Verdict } from './result.js';

/**
 * When a container started and stopped, decided once for rules, reports and charts alike, and how
 * far two such instants can be ordered given their precision.
 */

const NS_PER_SECOND = 1_000_000_000n;

/** Where a start is read: the runtime (ns), the container status (whole s), the Started Event (whole s). */
export type StartSource = 'runtime' | 'status' | 'event';

/**
 * When a container first started. Without a source: the runtime's nanosecond time when the harness
 * could read it, else the container status's whole second.
 */
export function startOf(
  timeline: Timeline,
  container: string,
  source?: StartSource,
): TimelineRecord | undefined {
  if (source) return timeline.first({ kind: 'started', container, source });
  return (
    timeline.first({ kind: 'started', container, source: 'runtime' }) ??
    timeline.first({ kind: 'started', container, source: 'status' })
  );
}

export interface ExitOptions {
  /**
   * The container prints one line just before it exits (the seed's Pods do), so its last log line
   * (exact, stamped by the runtime) stands for the exit when the runtime's own time is missing.
   * Only a scenario that wrote the container's command may say so: a hook or a probe may write too.
   */
  announcedByLastLogLine?: boolean;
}

/**
 * When a container's last instance stopped: the runtime's finished time (ns) when the harness could
 * read it, else (if the scenario says so) its last log line, else the container status's
 * `finishedAt` (whole seconds).
 */
export function exitOf(
  timeline: Timeline,
  container: string,
  options: ExitOptions = {},
): TimelineRecord | undefined {
  const runtime = timeline.find({ kind: 'terminated', container, source: 'runtime' }).at(-1);
  if (runtime) return runtime;
  if (options.announcedByLastLogLine) {
    const line = timeline.find({ kind: 'log', container }).at(-1);
    if (line) return line;
  }
  return timeline.find({ kind: 'terminated', container, source: 'status' }).at(-1);
}

/** The interval a record's true time lies in: a whole second covers [ns, ns + 1 s). */
function window(record: TimelineRecord): { lo: bigint; hi: bigint } {
  return record.precision === 'second'
    ? { lo: record.ns, hi: record.ns + NS_PER_SECOND - 1n }
    : { lo: record.ns, hi: record.ns };
}

/**
 * Whether `a` happened strictly before `b`, as far as their precision can tell: `undecided` when the
 * two intervals overlap (e.g. two whole-second times in the same second), never a guess.
 */
export function orderOf(a: TimelineRecord, b: TimelineRecord): Verdict {
  if (a.precision !== 'second' && b.precision !== 'second') return a.ns < b.ns ? 'pass' : 'fail';
  const wa = window(a);
  const wb = window(b);
  if (wa.hi < wb.lo) return 'pass';
  if (wa.lo >= wb.hi) return 'fail';
  return 'undecided';
}

/** Whether `a` is not later than `b` to the second (both truncated to whole seconds). */
export function notLaterToTheSecond(a: TimelineRecord, b: TimelineRecord): boolean {
  return a.ns / NS_PER_SECOND <= b.ns / NS_PER_SECOND;
}

/**
 * The bounds the true time between `a` and `b` lies in (ns), given their precision: one point for
 * two exact times, up to a second either way for whole seconds.
 */
export function spanBounds(a: TimelineRecord, b: TimelineRecord): { lo: bigint; hi: bigint; point: bigint } {
  const wa = window(a);
  const wb = window(b);
  return { lo: wb.lo - wa.hi, hi: wb.hi - wa.lo, point: b.ns - a.ns };
}

/** Whether a time known to lie in [lo, hi] (ns) is within [min, max]: pass, fail, or undecided when it straddles. */
export function withinBounds(
  range: { lo: bigint; hi: bigint },
  bounds: { minNs?: bigint; maxNs?: bigint },
): Verdict {
  const inside = (v: bigint) =>
    (bounds.minNs === undefined || v >= bounds.minNs) && (bounds.maxNs === undefined || v <= bounds.maxNs);
  const loIn = inside(range.lo);
  const hiIn = inside(range.hi);
  if (loIn && hiIn) return 'pass';
  const entirelyBelow = bounds.minNs !== undefined && range.hi < bounds.minNs;
  const entirelyAbove = bounds.maxNs !== undefined && range.lo > bounds.maxNs;
  if (entirelyBelow || entirelyAbove) return 'fail';
  return 'undecided';
}
