import type { TimelineRecord } from '../timeline/record.js';
import { formatTimeNs } from '../timeline/time.js';

/**
 * The container runtime's own times for one container instance, read through the node's CRI
 * (`crictl inspect`): nanoseconds, from the runtime that ran the container, not the API server's
 * whole seconds.
 */
export interface ContainerRuntimeTimes {
  /** CRI container id (no `containerd://` prefix). */
  containerId: string;
  /** Container name in the Pod spec. */
  name: string;
  createdNs?: bigint;
  startedNs?: bigint;
  finishedNs?: bigint;
  exitCode?: number;
  /** The runtime's reason for a finished container (`Completed`, `Error`, `OOMKilled`). */
  reason?: string;
}

/** Reads container times from a node's CRI; a provider that can reach the node's runtime offers one. */
export interface RuntimeInspector {
  /** Where the times come from, for reports: e.g. `crictl inspect (unix:///…/containerd.sock)`. */
  readonly source: string;
  /** The container's times, or undefined when the runtime no longer knows the container. */
  inspect(containerId: string, signal?: AbortSignal): Promise<ContainerRuntimeTimes | undefined>;
}

/** `containerd://abc…` → `abc…`. */
export function criContainerId(statusContainerId: string): string {
  return statusContainerId.replace(/^[a-z0-9-]+:\/\//, '');
}

/** Timeline records (source `runtime`, precision `exact`) for what the runtime knows of one instance. */
export function runtimeRecords(
  times: ContainerRuntimeTimes,
  restartCount: number,
  observedNs: bigint,
): Omit<TimelineRecord, 'seq'>[] {
  const at = (ns: bigint) => ({ time: formatTimeNs(ns), ns, precision: 'exact' as const });
  const base = {
    source: 'runtime' as const,
    container: times.name,
    containerId: times.containerId,
    restartCount,
    observedNs,
  };
  const records: Omit<TimelineRecord, 'seq'>[] = [];
  if (times.createdNs) records.push({ ...base, kind: 'created', ...at(times.createdNs) });
  if (times.startedNs) records.push({ ...base, kind: 'started', ...at(times.startedNs) });
  if (times.finishedNs) {
    records.push({
      ...base,
      kind: 'terminated',
      ...at(times.finishedNs),
      ...(times.exitCode !== undefined ? { exitCode: times.exitCode } : {}),
      ...(times.reason ? { reason: times.reason } : {}),
    });
  }
  return records;
}
