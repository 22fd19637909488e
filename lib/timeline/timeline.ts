import {
  recordFromJson,
  recordToJson,
  type RecordKind,
  type TimelineRecord,
  type TimelineRecordJson,
} from './record.js';
import { gapFromJson, type ObservationGap, type ObservationGapJson } from './gaps.js';
import { displayTime } from './time.js';

function byTime(a: TimelineRecord, b: TimelineRecord): number {
  if (a.ns !== b.ns) return a.ns < b.ns ? -1 : 1;
  return a.seq - b.seq;
}

export interface RecordQuery {
  kind?: RecordKind | RecordKind[];
  source?: TimelineRecord['source'];
  container?: string;
  reason?: string;
}

function matches(record: TimelineRecord, query: RecordQuery): boolean {
  if (query.kind !== undefined) {
    const kinds = Array.isArray(query.kind) ? query.kind : [query.kind];
    if (!kinds.includes(record.kind)) return false;
  }
  if (query.source !== undefined && record.source !== query.source) return false;
  if (query.container !== undefined && record.container !== query.container) return false;
  if (query.reason !== undefined && record.reason !== query.reason) return false;
  return true;
}

/** One ordered record of everything observed about one Pod. */
export class Timeline {
  private readonly items: TimelineRecord[] = [];
  /** Where the harness was blind while it observed (streams down, API server silent). */
  readonly gaps: ObservationGap[] = [];
  /** The sorted view, kept until the next `add`: rules query the same timeline many times. */
  private sorted: TimelineRecord[] | undefined;
  private nextSeq = 0;

  constructor(records: Iterable<TimelineRecord> = [], gaps: Iterable<ObservationGap> = []) {
    for (const record of records) this.items.push(record);
    for (const gap of gaps) this.gaps.push(gap);
    this.nextSeq = this.items.reduce((max, r) => Math.max(max, r.seq + 1), 0);
  }

  /** Adds a record, stamping its observation sequence number. */
  add(record: Omit<TimelineRecord, 'seq'>): TimelineRecord {
    const stamped = { ...record, seq: this.nextSeq++ } as TimelineRecord;
    this.items.push(stamped);
    this.sorted = undefined;
    return stamped;
  }

  addGap(gap: ObservationGap): void {
    this.gaps.push(gap);
  }

  /** All records ordered by time, ties by observation order. */
  get records(): TimelineRecord[] {
    this.sorted ??= [...this.items].sort(byTime);
    return [...this.sorted];
  }

  get size(): number {
    return this.items.length;
  }

  /** Records matching the query, in time order. */
  find(query: RecordQuery): TimelineRecord[] {
    return this.records.filter((r) => matches(r, query));
  }

  /** The first matching record in time order. */
  first(query: RecordQuery): TimelineRecord | undefined {
    return this.find(query)[0];
  }

  /** Records whose time lies within [fromNs, toNs], for printing the slice around a broken rule. */
  between(fromNs: bigint, toNs: bigint): TimelineRecord[] {
    return this.records.filter((r) => r.ns >= fromNs && r.ns <= toNs);
  }

  containers(): string[] {
    return [...new Set(this.items.flatMap((r) => (r.container ? [r.container] : [])))];
  }

  toJSON(): TimelineRecordJson[] {
    return this.records.map(recordToJson);
  }

  static fromJSON(json: TimelineRecordJson[], gaps: ObservationGapJson[] = []): Timeline {
    return new Timeline(json.map(recordFromJson), gaps.map(gapFromJson));
  }
}

/** `23:47:31.060 log        app            app` — one line per record for failure messages. */
export function formatRecord(record: TimelineRecord): string {
  const what = record.message ?? record.reason ?? '';
  const extra = [
    record.restartCount !== undefined ? `restarts=${record.restartCount}` : '',
    record.exitCode !== undefined ? `exit=${record.exitCode}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const precision = record.precision === 'second' ? '(s)' : record.precision === 'observed' ? '(obs)' : '';
  return [
    `${displayTime(record.ns)}${precision}`.padEnd(17),
    record.source.padEnd(7),
    record.kind.padEnd(14),
    (record.container ?? '<pod>').padEnd(16),
    what,
    extra,
  ]
    .join(' ')
    .trimEnd();
}

export function formatSlice(records: TimelineRecord[], indent = 4): string {
  const pad = ' '.repeat(indent);
  return records.map((r) => `${pad}${formatRecord(r)}`).join('\n');
}
