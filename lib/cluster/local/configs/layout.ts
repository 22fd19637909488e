import { basename, join, resolve } from 'node:path';
import { pkiPaths, type PkiPaths } from '../pki.js';

/** The processes the local provider starts, in start order. */
export const LOCAL_COMPONENTS = [
  'etcd',
  'containerd',
  'kube-apiserver',
  'kube-controller-manager',
  'kube-scheduler',
  'kubelet',
] as const;
export type LocalComponent = (typeof LOCAL_COMPONENTS)[number];

export interface LocalClusterPorts {
  apiserver: number;
  etcdClient: number;
  etcdPeer: number;
  kubelet: number;
  kubeletHealthz: number;
  controllerManager: number;
  scheduler: number;
}

/**
 * Every path, port and name of one local cluster, derived from its directory and its slot so that
 * `down` can find and remove what `up` made, and clusters of other names never share any of them. Everything listens on loopback except the kubelet, which
 * listens on `nodeIp` (see there).
 */
export interface LocalClusterLayout {
  dir: string;
  /**
   * Which of the host's address and port blocks this cluster has (see slotValues): 0 for the default
   * cluster, 1..MAX_SLOT for others, allocated at the first `up` and kept in `slotFile`.
   */
  slot: number;
  nodeName: string;
  /**
   * The node's InternalIP: the gateway address of our bridge. Not 127.0.0.1, because the kubelet
   * rejects a loopback node IP (validateNodeIP, pkg/kubelet/kubelet_node_status.go) and the API
   * server dials the kubelet at the InternalIP. It must be on an interface before the kubelet starts,
   * so `up` creates `cni.bridge` with `nodeIp/24` itself; the bridge plugin then reuses it.
   */
  nodeIp: string;
  serviceCidr: string;
  /** First service address: the `kubernetes` Service, a SAN of the API server certificate. */
  serviceIp: string;
  podSubnet: string;
  ports: LocalClusterPorts;
  apiserverUrl: string;
  pki: PkiPaths;
  etcd: { name: string; dataDir: string };
  containerd: {
    dir: string;
    root: string;
    state: string;
    socket: string;
    configPath: string;
    /** runc's --root (its per-container state), ours rather than the host-wide /run/containerd/runc. */
    runcRoot: string;
  };
  kubelet: { rootDir: string; certDir: string; configPath: string };
  cni: {
    /** Debian's containernetworking-plugins; the only CNI binaries on these machines. */
    binDir: string;
    confDir: string;
    conflistPath: string;
    /** host-local's lease files, kept here rather than in the host-wide /var/lib/cni. */
    ipamDataDir: string;
    networkName: string;
    /** Our own bridge device; `down` deletes it by this name. */
    bridge: string;
  };
  kubeconfigs: { dir: string; admin: string; controllerManager: string; scheduler: string; kubelet: string };
  /**
   * The kubelet's cgroupRoot: every pod cgroup lives below it in each hierarchy, so `down` finds and
   * kills pod processes by cgroup, never by guessing, and removes the subtree.
   */
  cgroupRoot: string;
  /** Rules present before `up`, so `down` removes only rules that appeared since. */
  iptablesSnapshot: string;
  logsDir: string;
  /** pid files, one per component. */
  runDir: string;
  /** Holds the slot number of a cluster other than the default; kept across `down`. */
  slotFile: string;
  /** Held while an `up` or `down` of this cluster runs (see lock.ts). */
  lockFile: string;
  logFiles: Record<LocalComponent, string>;
  pidFiles: Record<LocalComponent, string>;
}

/** Ports off the usual ones where another cluster on the host would sit (6443, 2379/2380). */
export const LOCAL_PORTS: LocalClusterPorts = {
  apiserver: 16443,
  etcdClient: 12379,
  etcdPeer: 12380,
  kubelet: 10250,
  kubeletHealthz: 10248,
  controllerManager: 10257,
  scheduler: 10259,
};

export const LOCAL_NODE_NAME = 'sidecar-conformance';

/** The cluster that keeps slot 0: today's ports, bridge scbr0 and CIDRs, whatever else runs. */
export const DEFAULT_CLUSTER_NAME = 'sidecar-conformance';

/** Slots 1..99: pod subnets 10.244.N.0/24 and service ranges 10.(96+N).0.0/16 stay apart. */
export const MAX_SLOT = 99;

/** What differs between clusters on one host, all from one slot number. */
export interface SlotValues {
  ports: LocalClusterPorts;
  bridge: string;
  nodeIp: string;
  podSubnet: string;
  serviceCidr: string;
  serviceIp: string;
}

/**
 * Slot 0 is today's single cluster. Slot N ≥ 1 gets ports 20000+10N … 20000+10N+6 (below the
 * kernel's ephemeral range 32768–60999, off the usual 6443/2379/10250), bridge scbrN, node IP
 * 10.244.N.1 in pod subnet 10.244.N.0/24, and services in 10.(96+N).0.0/16.
 */
export function slotValues(slot: number): SlotValues {
  if (!Number.isInteger(slot) || slot < 0 || slot > MAX_SLOT) {
    throw new RangeError(`slot ${slot} is outside 0..${MAX_SLOT}`);
  }
  if (slot === 0) {
    return {
      ports: { ...LOCAL_PORTS },
      bridge: 'scbr0',
      nodeIp: '10.244.0.1',
      podSubnet: '10.244.0.0/24',
      serviceCidr: '10.96.0.0/16',
      serviceIp: '10.96.0.1',
    };
  }
  const base = 20_000 + 10 * slot;
  return {
    ports: {
      apiserver: base,
      etcdClient: base + 1,
      etcdPeer: base + 2,
      kubelet: base + 3,
      kubeletHealthz: base + 4,
      controllerManager: base + 5,
      scheduler: base + 6,
    },
    bridge: `scbr${slot}`,
    nodeIp: `10.244.${slot}.1`,
    podSubnet: `10.244.${slot}.0/24`,
    serviceCidr: `10.${96 + slot}.0.0/16`,
    serviceIp: `10.${96 + slot}.0.1`,
  };
}

/**
 * Every path comes from the cluster directory (its last part is the cluster name), every address
 * and port from the slot, which the caller looks up (clusters.ts: slot 0 is the default cluster's
 * alone, others are allocated at `up`).
 */
export function layoutFor(clusterDir: string, slot = 0): LocalClusterLayout {
  const dir = resolve(clusterDir);
  const name = basename(dir);
  const values = slotValues(slot);
  const containerdDir = join(dir, 'containerd');
  const kubeletDir = join(dir, 'kubelet');
  const cniDir = join(dir, 'cni');
  const kubeconfigDir = join(dir, 'kubeconfigs');
  const logsDir = join(dir, 'logs');
  const runDir = join(dir, 'run');
  const perComponent = (folder: string, suffix: string) =>
    Object.fromEntries(LOCAL_COMPONENTS.map((name) => [name, join(folder, `${name}${suffix}`)])) as Record<
      LocalComponent,
      string
    >;
  return {
    dir,
    slot,
    nodeName: LOCAL_NODE_NAME,
    nodeIp: values.nodeIp,
    serviceCidr: values.serviceCidr,
    serviceIp: values.serviceIp,
    podSubnet: values.podSubnet,
    ports: values.ports,
    apiserverUrl: `https://127.0.0.1:${values.ports.apiserver}`,
    pki: pkiPaths(join(dir, 'pki')),
    etcd: { name: 'sidecar-conformance', dataDir: join(dir, 'etcd') },
    containerd: {
      dir: containerdDir,
      root: join(containerdDir, 'root'),
      state: join(containerdDir, 'state'),
      socket: join(containerdDir, 'containerd.sock'),
      configPath: join(containerdDir, 'config.toml'),
      runcRoot: join(containerdDir, 'state', 'runc'),
    },
    kubelet: {
      rootDir: kubeletDir,
      certDir: join(kubeletDir, 'pki'),
      configPath: join(kubeletDir, 'config.yaml'),
    },
    cni: {
      binDir: '/usr/lib/cni',
      confDir: join(cniDir, 'net.d'),
      conflistPath: join(cniDir, 'net.d', '10-sidecar-conformance.conflist'),
      ipamDataDir: join(cniDir, 'ipam'),
      // The CNI result cache (/var/lib/cni/results) is keyed by network name: one per cluster.
      networkName: slot === 0 ? 'sidecar-conformance' : `sidecar-conformance-${name}`,
      bridge: values.bridge,
    },
    kubeconfigs: {
      dir: kubeconfigDir,
      admin: join(kubeconfigDir, 'admin.conf'),
      controllerManager: join(kubeconfigDir, 'controller-manager.conf'),
      scheduler: join(kubeconfigDir, 'scheduler.conf'),
      kubelet: join(kubeconfigDir, 'kubelet.conf'),
    },
    cgroupRoot: `/sidecar-conformance.${name}`,
    iptablesSnapshot: join(runDir, 'iptables-before-up.json'),
    logsDir,
    runDir,
    slotFile: join(dir, 'slot'),
    lockFile: join(dir, 'lock'),
    logFiles: perComponent(logsDir, '.log'),
    pidFiles: perComponent(runDir, '.pid'),
  };
}
