import type { ObservationGap } from '../timeline/gaps.js';
import type { TimelineRecord } from '../timeline/record.js';
import { formatTimeNs } from '../timeline/time.js';
import { Timeline, type RecordQuery } from '../timeline/timeline.js';

/**
 * Small pure edits of a recorded timeline, for tests that prove a rule fails when the behaviour
 * it checks is broken. Each returns a NEW Timeline of copied records; the input is never touched,
 * so one loaded fixture can feed many mutations.
 */

export type RecordPredicate = (record: TimelineRecord) => boolean;

/** A predicate from the same query `Timeline.find` takes. */
export function where(query: RecordQuery): RecordPredicate {
  const kinds = query.kind === undefined ? undefined : [query.kind].flat();
  return (r) =>
    (kinds === undefined || kinds.includes(r.kind)) &&
    (query.source === undefined || r.source === query.source) &&
    (query.container === undefined || r.container === query.container) &&
    (query.reason === undefined || r.reason === query.reason);
}

/** Exactly the record with this observation sequence number (stable across mutations). */
export const bySeq =
  (seq: number): RecordPredicate =>
  (r) =>
    r.seq === seq;

/** Copies every record, passing the matching ones through `edit`. */
export function patchRecords(
  timeline: Timeline,
  predicate: RecordPredicate,
  edit: Partial<TimelineRecord> | ((record: TimelineRecord) => Partial<TimelineRecord>),
): Timeline {
  return new Timeline(
    timeline.records.map((r) =>
      predicate(r) ? { ...r, ...(typeof edit === 'function' ? edit(r) : edit) } : { ...r },
    ),
  );
}

/**
 * Moves matching records by `deltaNs`. The observation clock moves too, so whole-second ties
 * (decided by observation order) follow the shift; a non-empty `time` string is rewritten to match.
 */
export function shiftRecords(timeline: Timeline, predicate: RecordPredicate, deltaNs: bigint): Timeline {
  return patchRecords(timeline, predicate, (r) => ({
    ns: r.ns + deltaNs,
    observedNs: r.observedNs + deltaNs,
    time: r.time ? formatTimeNs(r.ns + deltaNs) : r.time,
  }));
}

/** Leaves out matching records. */
export function dropRecords(timeline: Timeline, predicate: RecordPredicate): Timeline {
  return new Timeline(timeline.records.filter((r) => !predicate(r)).map((r) => ({ ...r })));
}

/** Renames container `a` to `b` and `b` to `a` on matching records (all records when no predicate). */
export function swapContainers(
  timeline: Timeline,
  a: string,
  b: string,
  predicate: RecordPredicate = () => true,
): Timeline {
  return patchRecords(
    timeline,
    (r) => predicate(r) && (r.container === a || r.container === b),
    (r) => ({ container: r.container === a ? b : a }),
  );
}

/** The time of the last record: the end of what was observed. */
export function endNs(timeline: Timeline): bigint {
  return timeline.records.at(-1)?.ns ?? 0n;
}

export type NewRecord = Pick<TimelineRecord, 'source' | 'kind' | 'ns'> & Partial<Omit<TimelineRecord, 'seq'>>;

/**
 * Appends a record, observed after everything else (next `seq`). Unless given, it is an
 * observed-precision fact seen at its own time, as the harness records readiness changes.
 */
export function addRecord(timeline: Timeline, record: NewRecord): Timeline {
  const copy = new Timeline(timeline.records.map((r) => ({ ...r })));
  const precision = record.precision ?? 'observed';
  copy.add({
    precision,
    time: precision === 'observed' ? '' : formatTimeNs(record.ns),
    observedNs: record.ns,
    ...record,
  });
  return copy;
}

/** A copy of the timeline with one more observation gap: the harness blind from `fromNs` to `toNs`. */
export function addGap(timeline: Timeline, gap: ObservationGap): Timeline {
  return new Timeline(
    timeline.records.map((r) => ({ ...r })),
    [...timeline.gaps, gap],
  );
}
