import { readdir, readFile, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import type { LocalClusterLayout, LocalComponent } from './configs.js';
import {
  cgroupMounts,
  deleteBridge,
  linkExists,
  mountsUnder,
  pidsInCgroupRoot,
  removeCgroupRoot,
  restoreIptables,
  unmountAll,
  type IptablesScope,
} from './host.js';
import { killAll, pidsMentioning, runningBinary, stopDaemon } from './processes.js';
import { pathExists } from '../../fs.js';

/** The kubelet and control plane get this long after SIGTERM, then SIGKILL (see teardown). */
const CONTROL_PLANE_GRACE_MS = 500;
/** containerd: its shims and pods are killed by path and cgroup afterwards anyway; its bolt store survives a SIGKILL. */
const CONTAINERD_GRACE_MS = 300;

/**
 * `down`: stop what `up` started and remove what it made on the host — pod containers, leftover
 * processes (by our paths and our cgroup), mounts, the bridge, new iptables rules, runtime state —
 * and nothing else. Certificates, kubeconfigs and logs stay.
 */
export async function teardown(
  layout: LocalClusterLayout,
  clusterName: string,
  progress: (line: string) => void,
  /** Layouts of the other local clusters that run now: what they use is never removed. */
  others: LocalClusterLayout[] = [],
): Promise<void> {
  const stop = async (name: LocalComponent, graceMs: number) => {
    if (await stopDaemon(layout.pidFiles[name], graceMs)) progress(`stopped ${name}`);
  };
  // The kubelet (so it starts nothing more) and the control plane at once, with a short grace:
  // their state (etcd's data, the kubelet's root) is deleted below, so nothing is lost by a
  // SIGKILL after it; SIGTERM first lets each exit cleanly when it can.
  await Promise.all(
    (['kubelet', 'kube-scheduler', 'kube-controller-manager', 'kube-apiserver', 'etcd'] as const).map(
      (name) => stop(name, CONTROL_PLANE_GRACE_MS),
    ),
  );
  // Pod processes die at once by cgroup; containerd (still running) then drops their tasks and
  // containers, so its image store, kept for the next `up`, holds none of them.
  await killPodProcesses(layout, progress);
  await removePodContainers(layout, progress);
  await stop('containerd', CONTAINERD_GRACE_MS);
  // Shims and anything else started with our paths on its command line, then pod processes by cgroup.
  const strays = await pidsMentioning(dirMarker(layout));
  if (strays.length) {
    progress(`killing ${strays.length} leftover process(es) of this cluster`);
    await killAll(strays);
  }
  await killPodProcesses(layout, progress);
  await removeCgroupRoot(layout.cgroupRoot);
  const stuck = await unmountAll(layout.dir);
  if (stuck.length) progress(`could not unmount: ${stuck.join(', ')}`);
  const sharing = others.filter((o) => o.cni.bridge === layout.cni.bridge);
  if (sharing.length) {
    progress(
      `leaving bridge ${layout.cni.bridge} alone: running cluster ${sharing.map((o) => o.dir).join(', ')} uses it`,
    );
  } else {
    await deleteBridge(layout.cni.bridge);
  }
  const removed = await restoreIptables(layout.iptablesSnapshot, iptablesScope(layout, clusterName));
  if (removed.length) progress(`removed ${removed.length} iptables rule(s) added while the cluster ran`);
  // Runtime state goes; certificates, kubeconfigs, logs and containerd's image store (its root,
  // now without containers) stay for the next `up` and for reading.
  const containerdEntries = await readdir(layout.containerd.dir).catch(() => [] as string[]);
  for (const dir of [
    ...containerdEntries
      .filter((e) => e !== basename(layout.containerd.root))
      .map((e) => join(layout.containerd.dir, e)),
    layout.kubelet.rootDir,
    layout.etcd.dataDir,
    layout.cni.ipamDataDir,
    layout.runDir,
  ]) {
    await rm(dir, { recursive: true, force: true });
  }
  progress(`cluster ${clusterName} is down; logs kept in ${layout.logsDir}`);
}

/**
 * What marks a process as this cluster's: its directory followed by `/` on the command line, so
 * that cluster `m1` never matches `m10`'s processes, nor `sidecar-conformance` those of
 * `sidecar-conformance-2`.
 */
export const dirMarker = (layout: LocalClusterLayout): string => `${layout.dir}/`;

/** The rules of this cluster, whatever other clusters run beside it (host.ts, ruleIsOurs). */
export function iptablesScope(layout: LocalClusterLayout, clusterName: string): IptablesScope {
  return {
    bridge: layout.cni.bridge,
    podSubnet: layout.podSubnet,
    networkName: layout.cni.networkName,
    marker: `sidecar-conformance:${clusterName}`,
  };
}

/** What of this cluster is still on the host: processes, mounts, network devices, cgroups. */
export async function leftovers(layout: LocalClusterLayout): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await pidsMentioning(dirMarker(layout))) {
    const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
      .replace(/\0/g, ' ')
      .trim();
    found.push(`process ${pid}: ${cmdline.slice(0, 120)}`);
  }
  for (const pid of await pidsInCgroupRoot(layout.cgroupRoot)) found.push(`pod process ${pid}`);
  for (const mount of await mountsUnder(layout.dir)) found.push(`mount ${mount}`);
  if (await linkExists(layout.cni.bridge)) found.push(`network device ${layout.cni.bridge}`);
  for (const mount of await cgroupMounts()) {
    if (await pathExists(`${mount}${layout.cgroupRoot}`)) found.push(`cgroup ${mount}${layout.cgroupRoot}`);
  }
  return found;
}

/** SIGKILL to every process in our cgroup subtree: pod processes, whatever started them. */
async function killPodProcesses(layout: LocalClusterLayout, progress: (line: string) => void): Promise<void> {
  const pids = await pidsInCgroupRoot(layout.cgroupRoot);
  if (pids.length) {
    progress(`killing ${pids.length} pod process(es) under cgroup ${layout.cgroupRoot}`);
    await killAll(pids);
  }
}

/** Deletes every task and container in containerd's k8s.io namespace, while containerd still runs. */
async function removePodContainers(
  layout: LocalClusterLayout,
  progress: (line: string) => void,
): Promise<void> {
  const binary = await runningBinary(layout.pidFiles.containerd);
  if (!binary) return;
  const ctr = binary.replace(/containerd$/, 'ctr');
  if (!(await pathExists(ctr))) return;
  const run = (args: string[]) =>
    execa(ctr, ['--address', layout.containerd.socket, '-n', 'k8s.io', ...args], {
      reject: false,
      timeout: 20_000,
    });
  // One ctr call per step for all ids (one per id took seconds with many pods).
  const tasks = (await run(['tasks', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  if (tasks.length) await run(['tasks', 'delete', '-f', ...tasks]);
  const containers = (await run(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  if (containers.length) await run(['containers', 'delete', ...containers]);
  if (containers.length) progress(`removed ${containers.length} pod container(s)`);
}
