import type { Precision, RecordSource, TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';

let seq = 0;

/**
 * A hand-built record at `time` for unit tests of rules: whole-second sources (status, event) get
 * precision `second`, the others `exact`; observed when it happened.
 */
export function record(
  kind: TimelineRecord['kind'],
  container: string,
  time: string,
  source: RecordSource = 'runtime',
  extra: Partial<TimelineRecord> = {},
): TimelineRecord {
  const precision: Precision = source === 'status' || source === 'event' ? 'second' : 'exact';
  const ns = parseTimeNs(time);
  return { seq: seq++, source, kind, container, time, ns, precision, observedNs: ns, ...extra };
}
