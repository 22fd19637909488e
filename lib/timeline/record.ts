/**
 * One observed fact about a Pod, from one source, with the time the source gave.
 *
 * `time` keeps the raw RFC3339(Nano) string; `ns` is that time in nanoseconds since the epoch (BigInt,
 * for ordering and gaps without float rounding). `precision` says how far `ns` can be trusted:
 * container log lines carry nanoseconds from the runtime; Events and container statuses carry whole
 * seconds; some facts (a container turning ready) have no server time, only when we saw them.
 * `runtime` records carry the container runtime's own created/started/finished times (CRI, ns).
 */
export type RecordSource = 'event' | 'status' | 'log' | 'harness' | 'runtime';

export type Precision = 'exact' | 'second' | 'observed';

export type RecordKind =
  | 'scheduled'
  | 'created'
  | 'started'
  /** The container status's `started` flag turned true: its startupProbe passed (or it has none and runs). */
  | 'startup-passed'
  /** The container status's `started` flag turned false again for the same running instance (it had been true). */
  | 'startup-reset'
  | 'ready'
  | 'not-ready'
  | 'terminated'
  | 'restarted'
  | 'killing'
  | 'unhealthy'
  | 'backoff'
  | 'event'
  | 'log'
  | 'pod-phase'
  | 'pod-ready'
  | 'pod-not-ready'
  | 'applied'
  | 'delete-requested'
  /** The harness patched the running Pod: reason `image` (a container's image) or `resize` (its resources). */
  | 'patched'
  /** A container status's `resources` (what the kubelet actuated) read differently: message `requests …; limits …`. */
  | 'resources'
  | 'pod-gone'
  /**
   * The harness is about to stop the node's kubelet, for reason `kubelet restart` or `node reboot`
   * (kubelet stopped, every pod sandbox stopped, kubelet started).
   */
  | 'kubelet-stopped'
  /** The kubelet the harness stopped answers its health check again (reason as its `kubelet-stopped`). */
  | 'kubelet-answered'
  /** The harness stopped observing: the end of the timeline's window. */
  | 'observed-until';

export interface TimelineRecord {
  /** Order in which this run observed the record; breaks ties between same-second records. */
  seq: number;
  source: RecordSource;
  kind: RecordKind;
  /** Container name; absent for Pod-level facts. */
  container?: string;
  time: string;
  ns: bigint;
  precision: Precision;
  /** Local clock when the harness saw the record. */
  observedNs: bigint;
  /** Event reason, termination reason, Pod phase. */
  reason?: string;
  /** Log line text or Event message. */
  message?: string;
  restartCount?: number;
  exitCode?: number;
  /** The container instance (CRI id without the `containerd://` prefix), when the source names one. */
  containerId?: string;
}

/** JSON form: BigInts become decimal strings. */
export type TimelineRecordJson = Omit<TimelineRecord, 'ns' | 'observedNs'> & {
  ns: string;
  observedNs: string;
};

export function recordToJson(record: TimelineRecord): TimelineRecordJson {
  return { ...record, ns: record.ns.toString(), observedNs: record.observedNs.toString() };
}

export function recordFromJson(json: TimelineRecordJson): TimelineRecord {
  return { ...json, ns: BigInt(json.ns), observedNs: BigInt(json.observedNs) };
}
