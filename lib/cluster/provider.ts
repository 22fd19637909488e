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
}
