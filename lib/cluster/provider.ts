import type { RuntimeInspector } from '../observe/runtime.js';
/** A way to get a cluster: the local one built from source, kind, or an existing kubeconfig. */
export interface ClusterStatus {
  name: string;
  provider: string;
  running: boolean;
  kubeconfigPath: string;
  /** One line per component, e.g. `kube-apiserver running (pid 1234)`. */
  components: string[];
}

export interface UpOptions {
  /** Reports progress on long steps (builds, waits). */
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
  /**
   * Whether the run's Pods use the local test images (busybox, agnhost), which a provider whose
   * node has its own image store (kind) then loads into it; default true.
   */
  localImages?: boolean;
  /** Where a provider puts what it collects when up fails (the run's reports directory), if known. */
  diagnosticsDir?: string;
}

/** The faults a run can make on purpose (`run --fault`), named as the flag names them. */
export type FaultKind = 'apiserver-restart' | 'apiserver-pause' | 'kubelet-restart';

/** Components a provider may restart, and the one it may pause. */
export type RestartableComponent = 'kube-apiserver' | 'kubelet';
export type PausableComponent = 'kube-apiserver';

/** A fault that happened: from the first signal to the component answering (restart) or resuming (pause). */
export interface FaultHappened {
  /** A `--fault` kind, or a node reboot (made by the scenarios that need one). */
  kind: FaultKind | 'node-reboot';
  component: RestartableComponent;
  atNs: bigint;
  untilNs: bigint;
  /** One line for people: signals, pids, how long it took. */
  what: string;
}

export interface FaultOptions {
  onProgress?: (line: string) => void;
  /** Ends the wait for health (a restarted component runs anyway) or a pause early (it resumes at once). */
  signal?: AbortSignal;
}

export interface ClusterProvider {
  readonly providerName: string;
  readonly clusterName: string;
  /** Brings the cluster up (idempotent) and returns the kubeconfig path. */
  up(options?: UpOptions): Promise<string>;
  /** Stops and removes everything `up` made. */
  down(options?: UpOptions): Promise<void>;
  status(): Promise<ClusterStatus>;
  /** The node's container runtime, for nanosecond container times; absent where the harness cannot reach it. */
  runtime?(): RuntimeInspector | undefined;
  kubeconfigPath(): string;
  /** Stops a component (SIGTERM, SIGKILL after a grace period) and starts it again as `up` does; returns once it answers. */
  restartComponent?(component: RestartableComponent, options?: FaultOptions): Promise<FaultHappened>;
  /**
   * A node reboot as upstream's e2e_node tests make one: stop the kubelet, stop every pod sandbox
   * through the CRI, start the kubelet; returns once it answers.
   */
  rebootNode?(options?: FaultOptions): Promise<FaultHappened>;
  /** Freezes a component (SIGSTOP) for `ms`, then resumes it (SIGCONT), also on abort or error. */
  pauseComponent?(component: PausableComponent, ms: number, options?: FaultOptions): Promise<FaultHappened>;
}
