import type { CoreV1Event } from '@kubernetes/client-node';
import type { RecordKind, TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';

type NewRecord = Omit<TimelineRecord, 'seq'>;

const KIND_BY_REASON: Record<string, RecordKind> = {
  Scheduled: 'scheduled',
  Created: 'created',
  Started: 'started',
  Killing: 'killing',
  Unhealthy: 'unhealthy',
  BackOff: 'backoff',
};

/** `spec.initContainers{first-sidecar}` → `first-sidecar`. */
export function containerOfFieldPath(fieldPath: string | undefined): string | undefined {
  return fieldPath ? /\{([^}]+)\}/.exec(fieldPath)?.[1] : undefined;
}

function iso(value: Date | string | undefined | null): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  return value.toISOString().replace(/\.000Z$/, 'Z');
}

/**
 * Records for one Event observation. The kubelet aggregates repeats into one Event whose `count`
 * grows; each increase is one more occurrence, so `seenCount` (the count already recorded) makes a
 * MODIFIED event with a higher count yield the new occurrences only.
 */
export function eventRecords(event: CoreV1Event, seenCount: number, observedNs: bigint): NewRecord[] {
  const count = event.count ?? 1;
  if (count <= seenCount) return [];
  const micro = iso(event.eventTime as unknown as Date | string | undefined);
  const seconds =
    iso(event.lastTimestamp) ?? iso(event.firstTimestamp) ?? iso(event.metadata?.creationTimestamp);
  const time = micro ?? seconds;
  if (!time) return [];
  const base: NewRecord = {
    source: 'event',
    kind: KIND_BY_REASON[event.reason ?? ''] ?? 'event',
    container: containerOfFieldPath(event.involvedObject?.fieldPath),
    time,
    ns: parseTimeNs(time),
    // eventTime has microseconds; the legacy timestamps the kubelet fills carry whole seconds.
    precision: micro ? 'exact' : 'second',
    observedNs,
    reason: event.reason,
    message: event.message,
  };
  // Several occurrences folded into one update share the latest timestamp.
  return Array.from({ length: count - seenCount }, () => ({ ...base }));
}
