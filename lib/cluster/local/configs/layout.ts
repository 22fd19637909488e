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
 * Every path, port and name of one local cluster, all derived from its directory so that `down`
 * can find and remove what `up` made. Everything listens on loopback except the kubelet, which
 * listens on `nodeIp` (see there).
 */
export interface LocalClusterLayout {
  dir: string;
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
  containerd: { dir: string; root: string; state: string; socket: string; configPath: string };
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

export function layoutFor(clusterDir: string): LocalClusterLayout {
  const dir = resolve(clusterDir);
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
    nodeName: LOCAL_NODE_NAME,
    nodeIp: '10.244.0.1',
    serviceCidr: '10.96.0.0/16',
    serviceIp: '10.96.0.1',
    podSubnet: '10.244.0.0/24',
    ports: { ...LOCAL_PORTS },
    apiserverUrl: `https://127.0.0.1:${LOCAL_PORTS.apiserver}`,
    pki: pkiPaths(join(dir, 'pki')),
    etcd: { name: 'sidecar-conformance', dataDir: join(dir, 'etcd') },
    containerd: {
      dir: containerdDir,
      root: join(containerdDir, 'root'),
      state: join(containerdDir, 'state'),
      socket: join(containerdDir, 'containerd.sock'),
      configPath: join(containerdDir, 'config.toml'),
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
      networkName: 'sidecar-conformance',
      bridge: 'scbr0',
    },
    kubeconfigs: {
      dir: kubeconfigDir,
      admin: join(kubeconfigDir, 'admin.conf'),
      controllerManager: join(kubeconfigDir, 'controller-manager.conf'),
      scheduler: join(kubeconfigDir, 'scheduler.conf'),
      kubelet: join(kubeconfigDir, 'kubelet.conf'),
    },
    cgroupRoot: `/sidecar-conformance.${basename(dir)}`,
    iptablesSnapshot: join(runDir, 'iptables-before-up.json'),
    logsDir,
    runDir,
    logFiles: perComponent(logsDir, '.log'),
    pidFiles: perComponent(runDir, '.pid'),
  };
}
