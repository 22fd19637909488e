import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Every tunable in one typed place, with its default and why.
 * Command-line flags and environment variables override these; nothing else reads env directly.
 */

/** The image the seed's reference manifests name. */
export const REFERENCE_IMAGE = 'nicolaka/netshoot:v0.14';

/**
 * The local test image (busybox-static: sh, sleep infinity, trap, echo, date). Its name says what it is;
 * it never pretends to be netshoot. A non-`latest` tag keeps the default pull policy IfNotPresent.
 */
export const TEST_IMAGE = 'localhost/sidecar-conformance/busybox:1.35';

/** The same test image under a second name: "change a running sidecar's image" rows need another reference to change to. */
export const TEST_IMAGE_B = 'localhost/sidecar-conformance/busybox:1.35-b';

/**
 * agnhost, upstream's own e2e test image, built here from the cluster's Kubernetes version (its
 * HTTP/TCP servers: netexec, liveness; only /agnhost, no shell). Tagged with that version, `v1.37.2`.
 */
export const AGNHOST_IMAGE = (kubernetesVersion: string): string =>
  `localhost/sidecar-conformance/agnhost:v${kubernetesVersion.replace(/^v/, '')}`;

/** The sandbox (pause) image the local runtime is configured with; built from pause.c. */
export const PAUSE_IMAGE = 'localhost/sidecar-conformance/pause:1.0';

/**
 * The kind node image of a Kubernetes version, as `sidecar-conformance node-image build --version V`
 * tags it (built offline here; `--node-image REF` names any other, e.g. a kindest/node image).
 */
export const KIND_NODE_IMAGE = (kubernetesVersion: string): string =>
  `localhost/sidecar-conformance/kind-node:v${kubernetesVersion.replace(/^v/, '')}`;

export const defaults = {
  /** Kubernetes version the local provider builds (newest release the Go module proxy serves that Go 1.26 builds). */
  kubernetesVersion: '1.37.2',
  etcdVersion: '3.6.16',
  /** containerd 2.x speaks CRI to every kubelet version; Debian's 1.6 is only used for <= 1.35. */
  containerdVersion: '2.4.2',
  /** crictl, to read container times in ns from the node's CRI; its minor follows the default Kubernetes'. */
  criToolsVersion: '1.37.0',
  clusterName: 'sidecar-conformance',
  /**
   * Allowed excess over the 3 s SIGTERM delay between two containers' exits. Covers the kubelet
   * noticing the previous container's exit (PLEG relists every 1 s) and sending the next SIGTERM,
   * on a loaded 2-core machine running five scenarios at once. Measured excess on v1.37.2:
   * 50–200 ms when the kubelet stops a container itself, 90–1160 ms after an app exits on its own.
   */
  shutdownToleranceMs: 2000,
  /**
   * Scenarios run at once. All 47 at once on this 2-core machine starved the API server (no answer
   * for 10–20 s) and stretched kubelet-driven gaps by 4 s; 5 at a time (vitest's default) passed.
   */
  scenarioConcurrency: 6,
  /** How long a Pod may take to reach the state a scenario waits for. */
  podTimeoutMs: 120_000,
  /** How long `cluster up` waits for each component before naming it and its log. */
  componentTimeoutMs: 120_000,
  /** How long `kind create cluster` may take (it boots systemd, containerd and kubeadm in the node). */
  kindCreateTimeoutMs: 600_000,
  /** How long the kind provider waits, after create, for node Ready and the default ServiceAccount. */
  kindReadyTimeoutMs: 180_000,
  /** A watch that delivers nothing for this long is restarted (the API server sends bookmarks). */
  watchSilenceMs: 90_000,
} as const;

function xdg(variable: string, fallback: string): string {
  const value = process.env[variable];
  return value && value.startsWith('/') ? value : join(homedir(), fallback);
}

/** Build outputs keyed by version (Go caches, binaries, images): outside the repo, kept across runs. */
export function cacheDir(): string {
  return join(xdg('XDG_CACHE_HOME', '.cache'), 'sidecar-conformance');
}

/** Per-cluster state: certificates, configs, logs, pid files, runtime root. */
export function stateDir(): string {
  return join(xdg('XDG_STATE_HOME', '.local/state'), 'sidecar-conformance');
}

export function clusterDir(clusterName: string): string {
  return join(stateDir(), 'clusters', clusterName);
}
