import type { PodShape } from '../timeline/pod-shape.js';
import type { RecordKind, TimelineRecord } from '../timeline/record.js';

/** Facts about the Pod as a whole; the chart draws them on its top lane. */
export const POD_KINDS: readonly RecordKind[] = [
  'applied',
  'pod-phase',
  'pod-ready',
  'pod-not-ready',
  'delete-requested',
  'pod-gone',
];

const NS_PER_SECOND = 1_000_000_000n;

/** One stretch during which a container was running: from a start to its termination or the timeline's end. */
export interface RunSegment {
  startNs: bigint;
  endNs: bigint;
  /** No termination seen: the container was still running when the timeline ended. */
  open: boolean;
  restartCount?: number;
}

/** Containers in the order their first record appears in time. */
export function laneOrder(records: TimelineRecord[]): string[] {
  const seen = new Set<string>();
  for (const record of records) if (record.container !== undefined) seen.add(record.container);
  return [...seen];
}

/** What the manifest made of the container: `sidecar` (restartable init container), `init` or `app`. */
export function containerRole(shape: PodShape | undefined, container: string): string | undefined {
  if (shape?.sidecars.includes(container)) return 'sidecar';
  if (shape?.initContainers.includes(container)) return 'init';
  if (shape?.apps.includes(container)) return 'app';
  return undefined;
}

interface Start {
  ns: bigint;
  restartCount?: number;
}

/**
 * Whether a `started`/`restarted` record reports a start already seen. One start shows up several
 * times (the status's startedAt, the Started Event, the restart count going up), each from a source
 * with whole seconds, so two reports within a second of each other are the same start unless their
 * restart counts differ.
 */
function sameStart(start: Start, record: TimelineRecord): boolean {
  if (start.restartCount !== undefined && record.restartCount !== undefined) {
    return start.restartCount === record.restartCount;
  }
  const distance = record.ns > start.ns ? record.ns - start.ns : start.ns - record.ns;
  // A status startedAt and its Started event are both truncated to whole seconds: they may read 1 s apart.
  return distance <= NS_PER_SECOND;
}

const later = (a: bigint, b: bigint): bigint => (a > b ? a : b);

/**
 * The running stretches of one container from the runtime's own times: one per container instance,
 * from its started time to its finished time (ns), open when it had not finished.
 */
function runtimeSegments(records: TimelineRecord[], container: string, timelineEndNs: bigint): RunSegment[] {
  const mine = records.filter((r) => r.container === container && r.source === 'runtime');
  return mine
    .filter((r) => r.kind === 'started')
    .map((start) => {
      const end = mine.find((r) => r.kind === 'terminated' && r.containerId === start.containerId);
      const segment: RunSegment = {
        startNs: start.ns,
        endNs: end?.ns ?? later(timelineEndNs, start.ns),
        open: !end,
      };
      if (start.restartCount !== undefined) segment.restartCount = start.restartCount;
      return segment;
    });
}

/**
 * Without runtime times: the running stretches of one container, from records in time order. A `restarted` record or a
 * `started` record for a new start opens a new segment (closing the previous one there if its
 * termination was missed). A segment's end is its termination, or the container's last log line before
 * the next start when that is later (up to a second): log lines carry exact times, terminations only whole
 * seconds.
 */
export function runSegments(
  records: TimelineRecord[],
  container: string,
  timelineEndNs: bigint,
): RunSegment[] {
  const fromRuntime = runtimeSegments(records, container, timelineEndNs);
  if (fromRuntime.length) return fromRuntime;
  const segments: RunSegment[] = [];
  let open: (Start & { lastLogNs: bigint }) | undefined;
  let lastClosed: Start | undefined;

  const close = (endNs: bigint, isOpen: boolean) => {
    if (!open) return;
    const segment: RunSegment = { startNs: open.ns, endNs: later(endNs, open.lastLogNs), open: isOpen };
    if (open.restartCount !== undefined) segment.restartCount = open.restartCount;
    segments.push(segment);
    lastClosed = open;
    open = undefined;
  };

  for (const record of records) {
    if (record.container !== container) continue;
    if (record.kind === 'started' || record.kind === 'restarted') {
      const current = open ?? lastClosed;
      if (current && sameStart(current, record)) {
        if (open && open.restartCount === undefined && record.restartCount !== undefined) {
          open.restartCount = record.restartCount;
        }
        continue;
      }
      close(record.ns, false);
      open = { ns: record.ns, restartCount: record.restartCount, lastLogNs: record.ns };
    } else if (record.kind === 'terminated') {
      close(record.ns, false);
    } else if (record.kind === 'log' && open) {
      open.lastLogNs = later(open.lastLogNs, record.ns);
    } else if (record.kind === 'log') {
      // A whole-second termination sorts before the exact log line printed just before the exit.
      const last = segments.at(-1);
      if (last && record.ns > last.endNs && record.ns - last.endNs < NS_PER_SECOND) last.endNs = record.ns;
    }
  }
  close(later(timelineEndNs, open?.ns ?? timelineEndNs), true);
  return segments;
}

/** The container's last log line: the scenarios' containers print their name just before they exit. */
export function lastLogLine(records: TimelineRecord[], container: string): TimelineRecord | undefined {
  return records.filter((r) => r.kind === 'log' && r.container === container).at(-1);
}
