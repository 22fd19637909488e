import { access, chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { cacheDir, clusterDir, defaults, PAUSE_IMAGE, TEST_IMAGE } from '../../config.js';
import { clusterStartError, describeError, ExitCode, UserError } from '../../errors.js';
import { poll, WaitTimeoutError } from '../../wait.js';
import type { ClusterProvider, ClusterStatus, UpOptions } from '../provider.js';
import { ensureBinaries, minorOf, type LocalBinaries } from './binaries.js';
import {
  cniConflist,
  containerdConfig,
  etcdArgs,
  kubeApiserverArgs,
  kubeconfigFiles,
  kubeControllerManagerArgs,
  kubeletArgs,
  kubeletConfig,
  kubeSchedulerArgs,
  layoutFor,
  LOCAL_COMPONENTS,
  type LocalClusterLayout,
  type LocalComponent,
} from './configs.js';
import { getOk } from './health.js';
import {
  cgroupMounts,
  createCgroupRoot,
  linkExists,
  mountsUnder,
  deleteBridge,
  ensureBridge,
  isCgroupV1,
  pidsInCgroupRoot,
  recordIptables,
  removeCgroupRoot,
  restoreIptables,
  unmountAll,
} from './host.js';
import { ensureImageArchives, importImage, listImages } from './images.js';
import { ensurePki } from './pki.js';
import { killAll, pidsMentioning, runningPid, startDaemon, stopDaemon } from './processes.js';
import { installPackages } from './setup.js';

/** Unix socket paths (plus containerd's `.ttrpc` suffix) must fit in sun_path (108 bytes). */
const MAX_SOCKET_PATH = 100;

/**
 * A real single-node cluster built from source: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, containerd and a kubelet, all under one directory per cluster name.
 */
export class LocalProvider implements ClusterProvider {
  readonly providerName = 'local';
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly layout: LocalClusterLayout;

  constructor(options: { name: string; kubernetesVersion: string }) {
    this.clusterName = options.name;
    this.kubernetesVersion = options.kubernetesVersion;
    this.layout = layoutFor(clusterDir(options.name));
  }

  kubeconfigPath(): string {
    return this.layout.kubeconfigs.admin;
  }

  async status(): Promise<ClusterStatus> {
    const components: string[] = [];
    let running = 0;
    for (const name of LOCAL_COMPONENTS) {
      const pid = await runningPid(this.layout.pidFiles[name]);
      if (pid) running++;
      components.push(
        `${name.padEnd(24)} ${pid ? `running (pid ${pid})` : 'stopped'}   log: ${this.layout.logFiles[name]}`,
      );
    }
    if (running < LOCAL_COMPONENTS.length) {
      for (const leftover of await this.leftovers()) components.push(`left over: ${leftover}`);
    }
    return {
      name: this.clusterName,
      provider: this.providerName,
      running: running === LOCAL_COMPONENTS.length,
      kubeconfigPath: this.kubeconfigPath(),
      components,
    };
  }

  async up(options: UpOptions = {}): Promise<string> {
    const progress = options.onProgress ?? (() => {});
    requireRoot();
    const { layout } = this;
    if (layout.containerd.socket.length > MAX_SOCKET_PATH) {
      throw new UserError(
        `The containerd socket path ${layout.containerd.socket} is too long for a unix socket; use a shorter --name or XDG_STATE_HOME.`,
        ExitCode.usage,
      );
    }
    await this.refuseIfAnotherRuns();
    await installPackages(progress);
    const binaries = await ensureBinaries(
      {
        kubernetes: this.kubernetesVersion,
        etcd: defaults.etcdVersion,
        containerd: defaults.containerdVersion,
      },
      cacheDir(),
      progress,
      options.signal,
    );
    const images = await ensureImageArchives(cacheDir(), progress);
    try {
      await this.writeFiles(binaries);
      await this.startAll(binaries, images, progress, options.signal);
    } catch (error) {
      progress(`cluster ${this.clusterName} did not come up; stopping what was started`);
      await this.down({ onProgress: progress }).catch((e: unknown) =>
        progress(`clean-up failed: ${describeError(e)}`),
      );
      throw error;
    }
    progress(
      `cluster ${this.clusterName} is up (Kubernetes ${binaries.kubernetesVersion}); kubeconfig ${this.kubeconfigPath()}`,
    );
    return this.kubeconfigPath();
  }

  /** Local clusters share ports and the bridge name, so only one runs at a time. */
  private async refuseIfAnotherRuns(): Promise<void> {
    const clustersDir = dirname(this.layout.dir);
    const names = await readdir(clustersDir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n !== this.clusterName)) {
      const other = layoutFor(join(clustersDir, name));
      for (const component of LOCAL_COMPONENTS) {
        if (await runningPid(other.pidFiles[component])) {
          throw new UserError(
            `Local cluster ${name} is running (its ${component} among others); only one local cluster runs at a time. Take it down with \`sidecar-conformance cluster down --name ${name}\`.`,
            ExitCode.clusterStartFailed,
          );
        }
      }
    }
  }

  private async writeFiles(binaries: LocalBinaries): Promise<void> {
    const { layout } = this;
    for (const dir of [
      layout.dir,
      layout.containerd.dir,
      layout.kubelet.rootDir,
      layout.kubelet.certDir,
      layout.cni.confDir,
      layout.cni.ipamDataDir,
      layout.kubeconfigs.dir,
      layout.logsDir,
      layout.runDir,
    ]) {
      await mkdir(dir, { recursive: true });
    }
    await mkdir(layout.etcd.dataDir, { recursive: true, mode: 0o700 });
    await chmod(layout.etcd.dataDir, 0o700);
    await ensurePki(layout.pki.dir, {
      nodeName: layout.nodeName,
      serviceIp: layout.serviceIp,
      nodeIp: layout.nodeIp,
    });
    for (const file of kubeconfigFiles(layout, this.clusterName))
      await writeFile(file.path, file.text, { mode: 0o600 });
    await writeFile(
      layout.kubelet.configPath,
      kubeletConfig({
        layout,
        kubernetesMinor: minorOf(binaries.kubernetesVersion),
        cgroupV1: await isCgroupV1(),
        resolvConf: '/etc/resolv.conf',
      }),
    );
    await writeFile(
      layout.containerd.configPath,
      containerdConfig({
        major: binaries.containerdMajor,
        root: layout.containerd.root,
        state: layout.containerd.state,
        socket: layout.containerd.socket,
        sandboxImage: PAUSE_IMAGE,
        cniBinDir: binaries.cniBinDir,
        cniConfDir: layout.cni.confDir,
        runcPath: binaries.runc,
      }),
    );
    await writeFile(
      layout.cni.conflistPath,
      cniConflist({
        name: layout.cni.networkName,
        bridge: layout.cni.bridge,
        subnet: layout.podSubnet,
        gateway: layout.nodeIp,
        ipamDataDir: layout.cni.ipamDataDir,
      }),
    );
  }

  private async startAll(
    binaries: LocalBinaries,
    images: { pause: string; test: string },
    progress: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { layout } = this;
    const { pki, ports } = layout;
    await recordIptables(layout.iptablesSnapshot);
    await ensureBridge(layout.cni.bridge, `${layout.nodeIp}/24`);
    await createCgroupRoot(layout.cgroupRoot);
    const path = `${binaries.containerdShimDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;
    const adminTls = { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key };

    const start = async (
      name: LocalComponent,
      binary: string,
      args: string[],
      healthy: () => Promise<unknown>,
    ): Promise<void> => {
      if (!(await runningPid(layout.pidFiles[name]))) {
        progress(`starting ${name}`);
        startDaemon({
          name,
          binary,
          args,
          env: { PATH: path },
          logPath: layout.logFiles[name],
          pidPath: layout.pidFiles[name],
        });
      }
      await this.waitComponent(name, healthy, signal);
    };

    await start('etcd', binaries.etcd, etcdArgs(layout), () =>
      getOk(`http://127.0.0.1:${ports.etcdClient}/health`).then((b) =>
        b?.includes('"true"') ? b : undefined,
      ),
    );
    await start('containerd', binaries.containerd, ['--config', layout.containerd.configPath], () =>
      execa(binaries.ctr, ['--address', layout.containerd.socket, 'version'], { timeout: 5_000 }).then(
        () => true,
        () => undefined,
      ),
    );
    const present = await listImages(binaries.ctr, layout.containerd.socket);
    for (const [reference, archive] of [
      [PAUSE_IMAGE, images.pause],
      [TEST_IMAGE, images.test],
    ] as const) {
      if (!present.includes(reference)) {
        progress(`importing ${reference}`);
        await importImage(binaries.ctr, layout.containerd.socket, archive);
      }
    }
    await start('kube-apiserver', binaries.kubeApiserver, kubeApiserverArgs(layout), () =>
      getOk(`${layout.apiserverUrl}/readyz`, adminTls),
    );
    await start(
      'kube-controller-manager',
      binaries.kubeControllerManager,
      kubeControllerManagerArgs(layout),
      () => getOk(`https://127.0.0.1:${ports.controllerManager}/healthz`, { insecure: true }),
    );
    await start('kube-scheduler', binaries.kubeScheduler, kubeSchedulerArgs(layout), () =>
      getOk(`https://127.0.0.1:${ports.scheduler}/healthz`, { insecure: true }),
    );
    await start('kubelet', binaries.kubelet, kubeletArgs(layout), () =>
      getOk(`http://127.0.0.1:${ports.kubeletHealthz}/healthz`),
    );

    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(this.kubeconfigPath());
    const core = kubeconfig.makeApiClient(CoreV1Api);
    progress(`waiting for node ${layout.nodeName} to be Ready`);
    await this.waitComponent(
      'kubelet',
      async () => {
        const node = await core.readNode({ name: layout.nodeName });
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
        return ready ? node : undefined;
      },
      signal,
      `node ${layout.nodeName} Ready`,
    );
    await this.waitComponent(
      'kube-controller-manager',
      () => core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
      signal,
      'the default ServiceAccount',
    );
    const images2 = await listImages(binaries.ctr, layout.containerd.socket);
    for (const reference of [PAUSE_IMAGE, TEST_IMAGE]) {
      if (!images2.includes(reference)) {
        throw clusterStartError(
          `Image ${reference} is missing from containerd after import; see ${layout.logFiles.containerd}.`,
        );
      }
    }
  }

  /** Waits for one component; on timeout names it and its log. */
  private async waitComponent(
    name: LocalComponent,
    check: () => Promise<unknown>,
    signal?: AbortSignal,
    what = `${name} to answer its health check`,
  ): Promise<void> {
    try {
      await poll(
        async () => {
          if (!(await runningPid(this.layout.pidFiles[name]))) {
            throw clusterStartError(`${name} exited while starting; see ${this.layout.logFiles[name]}.`);
          }
          return (await check()) ?? undefined;
        },
        { description: what, timeoutMs: defaults.componentTimeoutMs, intervalMs: 500, signal },
      );
    } catch (error) {
      if (error instanceof WaitTimeoutError) {
        const exited = error.lastError instanceof UserError ? error.lastError.message : undefined;
        throw clusterStartError(
          exited ??
            `${name} did not come up within ${defaults.componentTimeoutMs / 1000} s (waiting for ${what}); see ${this.layout.logFiles[name]}.`,
          error,
        );
      }
      throw error;
    }
  }

  async down(options: UpOptions = {}): Promise<void> {
    const progress = options.onProgress ?? (() => {});
    requireRoot();
    const { layout } = this;
    const stop = async (name: LocalComponent, graceMs?: number) => {
      if (await stopDaemon(layout.pidFiles[name], graceMs)) progress(`stopped ${name}`);
    };
    await stop('kubelet');
    await this.removePodContainers(progress);
    // Clients before servers: the controllers, then the API server, then its store and the runtime.
    await Promise.all([stop('kube-scheduler'), stop('kube-controller-manager')]);
    await stop('kube-apiserver');
    await Promise.all([stop('containerd'), stop('etcd')]);
    // Shims and anything else started with our paths on its command line, then pod processes by cgroup.
    const strays = await pidsMentioning(layout.dir);
    if (strays.length) {
      progress(`killing ${strays.length} leftover process(es) of this cluster`);
      await killAll(strays);
    }
    const podProcesses = await pidsInCgroupRoot(layout.cgroupRoot);
    if (podProcesses.length) {
      progress(`killing ${podProcesses.length} pod process(es) under cgroup ${layout.cgroupRoot}`);
      await killAll(podProcesses);
    }
    await removeCgroupRoot(layout.cgroupRoot);
    const stuck = await unmountAll(layout.dir);
    if (stuck.length) progress(`could not unmount: ${stuck.join(', ')}`);
    await deleteBridge(layout.cni.bridge);
    const removed = await restoreIptables(layout.iptablesSnapshot);
    if (removed.length) progress(`removed ${removed.length} iptables rule(s) added while the cluster ran`);
    // Runtime state goes; certificates, kubeconfigs and logs stay for the next `up` and for reading.
    for (const dir of [
      layout.containerd.dir,
      layout.kubelet.rootDir,
      layout.etcd.dataDir,
      layout.cni.ipamDataDir,
      layout.runDir,
    ]) {
      await rm(dir, { recursive: true, force: true });
    }
    progress(`cluster ${this.clusterName} is down; logs kept in ${layout.logsDir}`);
  }

  /** What of this cluster is still on the host: processes, mounts, network devices, cgroups. */
  async leftovers(): Promise<string[]> {
    const { layout } = this;
    const found: string[] = [];
    for (const pid of await pidsMentioning(layout.dir)) {
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => ''))
        .replace(/\0/g, ' ')
        .trim();
      found.push(`process ${pid}: ${cmdline.slice(0, 120)}`);
    }
    for (const pid of await pidsInCgroupRoot(layout.cgroupRoot)) found.push(`pod process ${pid}`);
    for (const mount of await mountsUnder(layout.dir)) found.push(`mount ${mount}`);
    if (await linkExists(layout.cni.bridge)) found.push(`network device ${layout.cni.bridge}`);
    for (const mount of await cgroupMounts()) {
      if (await exists(`${mount}${layout.cgroupRoot}`)) found.push(`cgroup ${mount}${layout.cgroupRoot}`);
    }
    return found;
  }

  /** Kills and deletes every container in containerd's k8s.io namespace, while containerd still runs. */
  private async removePodContainers(progress: (line: string) => void): Promise<void> {
    const pid = await runningPid(this.layout.pidFiles.containerd);
    if (!pid) return;
    const binary = await readBinary(this.layout.pidFiles.containerd);
    const ctr = binary.replace(/containerd$/, 'ctr');
    if (!(await exists(ctr))) return;
    const run = (args: string[]) =>
      execa(ctr, ['--address', this.layout.containerd.socket, '-n', 'k8s.io', ...args], {
        reject: false,
        timeout: 20_000,
      });
    const tasks = (await run(['tasks', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    for (const id of tasks) await run(['tasks', 'kill', '-s', 'SIGKILL', id]);
    for (const id of tasks) await run(['tasks', 'delete', '-f', id]);
    const containers = (await run(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    for (const id of containers) await run(['containers', 'delete', id]);
    if (containers.length) progress(`removed ${containers.length} pod container(s)`);
  }
}

async function readBinary(pidPath: string): Promise<string> {
  return ((await readFile(pidPath, 'utf8').catch(() => '')).split('\n')[1] ?? '').trim();
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'The local provider runs a kubelet and a container runtime and must run as root; run as root, or pass --kubeconfig to use an existing cluster.',
      ExitCode.notRoot,
    );
  }
}
