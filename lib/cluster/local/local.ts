import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  AGNHOST_IMAGE,
  cacheDir,
  clusterDir,
  defaults,
  PAUSE_IMAGE,
  TEST_IMAGE,
  TEST_IMAGE_B,
} from '../../config.js';
import { clusterStartError, describeError, ExitCode, UserError } from '../../errors.js';
import { poll, StopWaiting, WaitTimeoutError } from '../../wait.js';
import type { RuntimeInspector } from '../../observe/runtime.js';
import type {
  ClusterProvider,
  ClusterStatus,
  FaultHappened,
  FaultOptions,
  PausableComponent,
  RestartableComponent,
  UpOptions,
} from '../provider.js';
import { crictlPath, ensureBinaries, type LocalBinaries } from './binaries.js';
import { CrictlInspector, stopAllPodSandboxes } from '../cri.js';
import {
  etcdArgs,
  kubeApiserverArgs,
  kubeControllerManagerArgs,
  kubeletArgs,
  kubeSchedulerArgs,
  LOCAL_COMPONENTS,
  type LocalClusterLayout,
  type LocalComponent,
} from './configs.js';
import { getOk, portFree } from './health.js';
import { createCgroupRoot, ensureBridge, linkNames, recordIptables } from './host.js';
import { ensureSlot, layoutOf, localClusters, runningComponents, versionFile } from './clusters.js';
import { withLock } from './lock.js';
import { ensureAgnhostArchive, ensureImageArchives, importImage, listImages } from './images.js';
import { writeClusterFiles } from './files.js';
import { pauseDaemon, rebootNode, restartDaemon } from './faults.js';
import { leftovers, teardown } from './teardown.js';
import { runningBinary, runningFeatureGates, runningPid, startDaemon } from './processes.js';
import { formatFeatureGates, includesFeatureGates, type FeatureGates } from '../feature-gates.js';
import { installPackages } from './setup.js';

/** The ports each component listens on, checked free before it starts so a clash is named, not guessed. */
const PORTS_OF: Record<LocalComponent, (layout: LocalClusterLayout) => Array<[string, number]>> = {
  etcd: (l) => [
    ['127.0.0.1', l.ports.etcdClient],
    ['127.0.0.1', l.ports.etcdPeer],
  ],
  containerd: () => [],
  'kube-apiserver': (l) => [['127.0.0.1', l.ports.apiserver]],
  'kube-controller-manager': (l) => [['127.0.0.1', l.ports.controllerManager]],
  'kube-scheduler': (l) => [['127.0.0.1', l.ports.scheduler]],
  kubelet: (l) => [
    [l.nodeIp, l.ports.kubelet],
    ['127.0.0.1', l.ports.kubeletHealthz],
  ],
};

async function requirePortFree(component: string, host: string, port: number): Promise<void> {
  if (await portFree(host, port)) return;
  throw new UserError(
    `Port ${port} on ${host}, which ${component} needs, is in use by another program (\`ss -ltnp 'sport = :${port}'\` shows which); stop it and run up again.`,
    ExitCode.clusterStartFailed,
  );
}

/** The daemons' PATH: containerd finds its shim beside itself. */
const daemonPath = (shimDir: string) =>
  `${shimDir}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`;

/** How often `up` asks a starting component whether it answers (each check is one cheap request). */
const HEALTH_POLL_MS = 100;

/** A unix socket path must fit in sun_path: 108 bytes with its terminating NUL. */
const MAX_SOCKET_PATH = 107;

/** How long an up or down waits for another one of the same cluster (a cold build takes ~18 min). */
export const LOCK_WAIT_MS = 30 * 60_000;

/**
 * A real single-node cluster built from source: etcd, kube-apiserver, kube-controller-manager,
 * kube-scheduler, containerd and a kubelet, all under one directory per cluster name.
 */
export class LocalProvider implements ClusterProvider {
  readonly providerName = 'local';
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  /** Re-read at `up`, which may allocate this cluster's slot (clusters.ts). */
  layout: LocalClusterLayout;
  /** Gates every component starts with (`cluster up --feature-gates`); none by default. */
  readonly featureGates: FeatureGates;

  constructor(options: { name: string; kubernetesVersion: string; featureGates?: FeatureGates }) {
    this.clusterName = options.name;
    this.kubernetesVersion = options.kubernetesVersion;
    this.featureGates = options.featureGates ?? {};
    this.layout = layoutOf(clusterDir(options.name), options.name);
  }

  kubeconfigPath(): string {
    return this.layout.kubeconfigs.admin;
  }

  /** crictl on this cluster's containerd socket, once both exist (after `up`). */
  runtime(): RuntimeInspector | undefined {
    const crictl = crictlPath(cacheDir());
    const socket = this.layout.containerd.socket;
    if (!existsSync(crictl) || !existsSync(socket)) return undefined;
    return new CrictlInspector({ crictl, socket });
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
    requireRoot();
    const dir = clusterDir(this.clusterName);
    await mkdir(dir, { recursive: true });
    // Several runs may share one running cluster (check's Pods, a second run): each up waits for
    // the one before it (which may be building), then finds the cluster running and reuses it.
    return withLock(
      this.layout.lockFile,
      `\`cluster up\` or \`down\` of ${this.clusterName}`,
      () => this.upLocked(options),
      LOCK_WAIT_MS,
    );
  }

  private async upLocked(options: UpOptions): Promise<string> {
    const progress = options.onProgress ?? (() => {});
    const dir = clusterDir(this.clusterName);
    await ensureSlot(dirname(dir), this.clusterName, linkNames);
    this.layout = layoutOf(dir, this.clusterName);
    const { layout } = this;
    const longest = unixSockets(layout).sort((a, b) => b.length - a.length)[0] ?? '';
    if (longest.length > MAX_SOCKET_PATH) {
      throw new UserError(
        `The socket path ${longest} (${longest.length} bytes) is too long for a unix socket (at most ${MAX_SOCKET_PATH}); use a name shorter by ${longest.length - MAX_SOCKET_PATH} or more characters, or a shorter XDG_STATE_HOME.`,
        ExitCode.usage,
      );
    }
    // The package check, the refusals and the binaries (cached: a check of paths) at once.
    const [, , binaries] = await Promise.all([
      this.refuseClashes(),
      installPackages(progress),
      ensureBinaries(
        {
          kubernetes: this.kubernetesVersion,
          etcd: defaults.etcdVersion,
          containerd: defaults.containerdVersion,
        },
        cacheDir(),
        progress,
        options.signal,
      ),
    ]);
    await this.refuseOtherBinaries(binaries);
    await this.refuseOtherGates();
    // The image archives (cached; hashing agnhost takes a while) are needed only once containerd
    // answers, so they are made while the first components start.
    const images = (async () => ({
      ...(await ensureImageArchives(cacheDir(), progress)),
      agnhost: await ensureAgnhostArchive(cacheDir(), binaries.agnhost, binaries.kubernetesVersion, progress),
    }))();
    images.catch(() => undefined); // awaited in startAll; never an unhandled rejection meanwhile
    // A cluster another run brought up (this up only reuses it) is never taken down by this one.
    const runningBefore = await this.runningComponents();
    try {
      await writeClusterFiles(this.layout, this.clusterName, binaries, this.featureGates);
      await writeFile(versionFile(this.layout.dir), `${binaries.kubernetesVersion}\n`);
      await this.startAll(binaries, images, progress, options.signal);
    } catch (error) {
      if (runningBefore.length > 0) {
        progress(
          `cluster ${this.clusterName} did not answer; it was already running (${runningBefore.join(', ')}) before this up, so it is left as it was`,
        );
        throw error;
      }
      progress(`cluster ${this.clusterName} did not come up; stopping what was started`);
      await this.downLocked(progress).catch((e: unknown) => progress(`clean-up failed: ${describeError(e)}`));
      throw error;
    }
    progress(
      `cluster ${this.clusterName} is up (Kubernetes ${binaries.kubernetesVersion}); kubeconfig ${this.kubeconfigPath()}`,
    );
    return this.kubeconfigPath();
  }

  /**
   * Clusters of other names run beside this one on their own slots; one that shares our bridge or
   * a port (made before slots, so on slot 0's values) is named rather than collided with.
   */
  private async refuseClashes(): Promise<void> {
    const mine = this.layout;
    const myPorts = new Set(Object.values(mine.ports));
    for (const other of await this.othersRunning()) {
      const ports = Object.values(other.ports).filter((p) => myPorts.has(p));
      if (other.cni.bridge === mine.cni.bridge || ports.length) {
        const name = other.dir.split('/').at(-1) ?? other.dir;
        throw new UserError(
          `Local cluster ${name} is running with ${other.cni.bridge === mine.cni.bridge ? `bridge ${mine.cni.bridge}` : `port ${ports.join(', ')}`}, which cluster ${this.clusterName} needs too (it was brought up before clusters had slots); take it down with \`sidecar-conformance cluster down --name ${name}\`.`,
          ExitCode.clusterStartFailed,
        );
      }
    }
  }

  /** Layouts of the other local clusters with at least one component running. */
  private async othersRunning(): Promise<LocalClusterLayout[]> {
    const others = (await localClusters(dirname(this.layout.dir))).filter((c) => c.name !== this.clusterName);
    const running = await Promise.all(
      others.map(async (c) => ((await runningComponents(c.layout)) > 0 ? c.layout : undefined)),
    );
    return running.filter((l): l is LocalClusterLayout => l !== undefined);
  }

  /** A running cluster of another version (or other binaries) is not silently reused. */
  private async refuseOtherBinaries(binaries: LocalBinaries): Promise<void> {
    const expected: Record<LocalComponent, string> = {
      etcd: binaries.etcd,
      containerd: binaries.containerd,
      'kube-apiserver': binaries.kubeApiserver,
      'kube-controller-manager': binaries.kubeControllerManager,
      'kube-scheduler': binaries.kubeScheduler,
      kubelet: binaries.kubelet,
    };
    for (const component of LOCAL_COMPONENTS) {
      const running = await runningBinary(this.layout.pidFiles[component]);
      if (running && running !== expected[component]) {
        throw new UserError(
          `Cluster ${this.clusterName} already runs ${component} from ${running}, not ${expected[component]}; take it down first (sidecar-conformance cluster down --name ${this.clusterName}).`,
          ExitCode.clusterStartFailed,
        );
      }
    }
  }

  /** The components of this cluster that run now. */
  private async runningComponents(): Promise<LocalComponent[]> {
    const running: LocalComponent[] = [];
    for (const name of LOCAL_COMPONENTS) if (await runningPid(this.layout.pidFiles[name])) running.push(name);
    return running;
  }

  /**
   * A running cluster is reused only when it runs with every gate asked for, set the same way (it may
   * run with more: they are in its components' command lines and in the gates reports list).
   */
  private async refuseOtherGates(): Promise<void> {
    const pid = await runningPid(this.layout.pidFiles['kube-apiserver']);
    if (!pid) return;
    const running = await runningFeatureGates(pid);
    if (running === undefined || includesFeatureGates(running, this.featureGates)) return;
    const say = (gates: FeatureGates) => formatFeatureGates(gates) || 'no feature gates';
    throw new UserError(
      `Cluster ${this.clusterName} already runs with ${say(running)}, not ${say(this.featureGates)}; take it down first (sidecar-conformance cluster down --name ${this.clusterName}).`,
      ExitCode.clusterStartFailed,
    );
  }

  /**
   * Starts the components as soon as what each needs answers, not one after the other: etcd and
   * containerd at once; the API server beside etcd (it retries its store until etcd answers); the
   * images into containerd while the API server starts (none when the kept image store has them);
   * the controllers and the kubelet together once the API server is ready. Then waits for node
   * Ready, the default ServiceAccount and the controllers' health at once.
   */
  private async startAll(
    binaries: LocalBinaries,
    images: Promise<{ pause: string; test: string; testB: string; agnhost: string }>,
    progress: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const { layout } = this;
    const { ports } = layout;
    await Promise.all([
      recordIptables(layout.iptablesSnapshot),
      ensureBridge(layout.cni.bridge, `${layout.nodeIp}/24`),
      createCgroupRoot(layout.cgroupRoot),
    ]);
    const path = daemonPath(binaries.containerdShimDir);
    const launch = (name: LocalComponent, binary: string, args: string[]) =>
      this.launchComponent({ name, binary, args, path }, progress);
    // The first failure ends the other waits at once (and `up` then cleans up).
    const failed = new AbortController();
    const waitSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
    const wait = (name: LocalComponent, healthy: () => Promise<unknown>, what?: string) =>
      this.waitComponent(name, healthy, waitSignal, what);
    const apiserver = this.launch('kube-apiserver');
    const kubelet = this.launch('kubelet');

    // Every branch runs to its end, so none is left running while `up` cleans up; the first
    // error is the one thrown, and it stops the other branches' waits.
    const settle = async (branches: Array<Promise<unknown>>) => {
      let first: { error: unknown } | undefined;
      await Promise.all(
        branches.map((branch) =>
          branch.catch((error: unknown) => {
            first ??= { error };
            failed.abort();
          }),
        ),
      );
      if (first) throw first.error;
    };

    await launch('etcd', binaries.etcd, etcdArgs(layout));
    await launch('containerd', binaries.containerd, ['--config', layout.containerd.configPath]);
    await launch('kube-apiserver', binaries.kubeApiserver, apiserver.args);
    const containerdReady = wait('containerd', () =>
      execa(binaries.ctr, ['--address', layout.containerd.socket, 'version'], { timeout: 5_000 }).then(
        () => true,
        () => undefined,
      ),
    );
    const imported = containerdReady.then(async () => this.importImages(binaries, await images, progress));
    imported.catch(() => undefined); // awaited below; never an unhandled rejection if etcd fails first
    // The kubelet needs only containerd to start: it registers its node once the API server takes
    // requests (its Node authorizer needs no RBAC bootstrap), well before /readyz passes.
    const kubeletLaunched = containerdReady.then(() => launch('kubelet', binaries.kubelet, kubelet.args));
    await settle([
      wait('etcd', () =>
        getOk(`http://127.0.0.1:${ports.etcdClient}/health`).then((b) =>
          b?.includes('"true"') ? b : undefined,
        ),
      ),
      wait('kube-apiserver', apiserver.healthy),
      containerdReady,
      kubeletLaunched,
    ]);
    // The controller manager and the scheduler give up if the API server is not healthy soon after
    // they start, so they wait for it.
    await launch(
      'kube-controller-manager',
      binaries.kubeControllerManager,
      kubeControllerManagerArgs(layout, this.featureGates),
    );
    await launch('kube-scheduler', binaries.kubeScheduler, kubeSchedulerArgs(layout, this.featureGates));

    const kubeconfig = new KubeConfig();
    kubeconfig.loadFromFile(this.kubeconfigPath());
    const core = kubeconfig.makeApiClient(CoreV1Api);
    progress(`waiting for node ${layout.nodeName} to be Ready`);
    await settle([
      imported,
      wait('kube-controller-manager', () =>
        getOk(`https://127.0.0.1:${ports.controllerManager}/healthz`, { insecure: true }),
      ),
      wait('kube-scheduler', () => getOk(`https://127.0.0.1:${ports.scheduler}/healthz`, { insecure: true })),
      wait('kubelet', kubelet.healthy).then(() =>
        wait(
          'kubelet',
          async () => {
            const node = await core.readNode({ name: layout.nodeName });
            const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
            return ready ? node : undefined;
          },
          `node ${layout.nodeName} Ready`,
        ).then(() => progress(`node ${layout.nodeName} is Ready`)),
      ),
      wait(
        'kube-controller-manager',
        () => core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }),
        'the default ServiceAccount',
      ),
    ]);
  }

  /**
   * Imports the images containerd lacks, or whose archive changed since they were imported (the
   * image store is kept across `down`, see teardown); checks that all are there.
   */
  private async importImages(
    binaries: LocalBinaries,
    images: { pause: string; test: string; testB: string; agnhost: string },
    progress: (line: string) => void,
  ): Promise<void> {
    const { layout } = this;
    const wanted = [
      [PAUSE_IMAGE, images.pause],
      [TEST_IMAGE, images.test],
      [TEST_IMAGE_B, images.testB],
      [AGNHOST_IMAGE(binaries.kubernetesVersion), images.agnhost],
    ] as const;
    const record = join(layout.containerd.root, 'sidecar-conformance-imported.json');
    const imported = JSON.parse(await readFile(record, 'utf8').catch(() => '{}')) as Record<string, string>;
    const present = await listImages(binaries.ctr, layout.containerd.socket);
    for (const [reference, archive] of wanted) {
      if (!present.includes(reference) || imported[reference] !== archive) {
        progress(`importing ${reference}`);
        await importImage(binaries.ctr, layout.containerd.socket, archive);
        imported[reference] = archive;
        await writeFile(record, JSON.stringify(imported));
      }
    }
    const after = await listImages(binaries.ctr, layout.containerd.socket);
    for (const [reference] of wanted) {
      if (!after.includes(reference)) {
        throw clusterStartError(
          `Image ${reference} is missing from containerd after import; see ${layout.logFiles.containerd}.`,
        );
      }
    }
  }

  /** The command line `up` starts a restartable component with, and the check that it answers. */
  private launch(name: RestartableComponent): { args: string[]; healthy: () => Promise<unknown> } {
    const { layout } = this;
    if (name === 'kubelet') {
      return {
        args: kubeletArgs(layout),
        healthy: () => getOk(`http://127.0.0.1:${layout.ports.kubeletHealthz}/healthz`),
      };
    }
    const { pki } = layout;
    return {
      args: kubeApiserverArgs(layout, this.featureGates),
      healthy: () =>
        getOk(`${layout.apiserverUrl}/readyz`, { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key }),
    };
  }

  /** Starts one component unless it runs (its ports checked free first); does not wait. */
  private async launchComponent(
    spec: { name: LocalComponent; binary: string; args: string[]; path: string },
    progress: (line: string) => void,
  ): Promise<void> {
    const { layout } = this;
    const { name } = spec;
    if (await runningPid(layout.pidFiles[name])) return;
    for (const [host, port] of PORTS_OF[name](layout)) await requirePortFree(name, host, port);
    progress(`starting ${name}`);
    startDaemon({
      name,
      binary: spec.binary,
      args: spec.args,
      env: { PATH: spec.path },
      logPath: layout.logFiles[name],
      pidPath: layout.pidFiles[name],
    });
  }

  /** Starts one component unless it runs, then waits until it answers: for restarts. */
  private async startComponent(
    spec: {
      name: LocalComponent;
      binary: string;
      args: string[];
      healthy: () => Promise<unknown>;
      path: string;
    },
    progress: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.launchComponent(spec, progress);
    await this.waitComponent(spec.name, spec.healthy, signal);
  }

  /** Kubelet stopped, every pod sandbox stopped through the CRI, kubelet started; resolves once it answers. */
  async rebootNode(options: FaultOptions = {}): Promise<FaultHappened> {
    requireRoot();
    const progress = options.onProgress ?? (() => {});
    const component = 'kubelet';
    return rebootNode(
      {
        component,
        pidPath: this.layout.pidFiles[component],
        stopSandboxes: () =>
          stopAllPodSandboxes({ crictl: crictlPath(cacheDir()), socket: this.layout.containerd.socket }),
        start: async (binary, signal) => {
          const containerd = await runningBinary(this.layout.pidFiles.containerd);
          const { args, healthy } = this.launch(component);
          const path = daemonPath(dirname(containerd ?? binary));
          await this.startComponent({ name: component, binary, args, healthy, path }, progress, signal);
        },
      },
      options,
    );
  }

  /** Stops the API server or the kubelet and starts it again as `up` does; resolves once it answers. */
  async restartComponent(
    component: RestartableComponent,
    options: FaultOptions = {},
  ): Promise<FaultHappened> {
    requireRoot();
    const progress = options.onProgress ?? (() => {});
    return restartDaemon(
      {
        component,
        pidPath: this.layout.pidFiles[component],
        start: async (binary, signal) => {
          const containerd = await runningBinary(this.layout.pidFiles.containerd);
          const { args, healthy } = this.launch(component);
          const path = daemonPath(dirname(containerd ?? binary));
          await this.startComponent({ name: component, binary, args, healthy, path }, progress, signal);
        },
      },
      options,
    );
  }

  /** Freezes the API server for `ms` (SIGSTOP), then resumes it (SIGCONT), also on abort or error. */
  async pauseComponent(
    component: PausableComponent,
    ms: number,
    options: FaultOptions = {},
  ): Promise<FaultHappened> {
    requireRoot();
    return pauseDaemon({ component, pidPath: this.layout.pidFiles[component] }, ms, options);
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
            throw new StopWaiting(
              clusterStartError(`${name} exited while starting; see ${this.layout.logFiles[name]}.`),
            );
          }
          return (await check()) ?? undefined;
        },
        { description: what, timeoutMs: defaults.componentTimeoutMs, intervalMs: HEALTH_POLL_MS, signal },
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
    requireRoot();
    const progress = options.onProgress ?? (() => {});
    if (!existsSync(this.layout.dir)) {
      progress(`cluster ${this.clusterName} has no state in ${this.layout.dir}; nothing to take down`);
      return;
    }
    await withLock(
      this.layout.lockFile,
      `\`cluster up\` or \`down\` of ${this.clusterName}`,
      () => this.downLocked(progress),
      LOCK_WAIT_MS,
    );
  }

  private async downLocked(progress: (line: string) => void): Promise<void> {
    this.layout = layoutOf(this.layout.dir, this.clusterName);
    await teardown(this.layout, this.clusterName, progress, await this.othersRunning());
  }

  /** What of this cluster is still on the host: processes, mounts, network devices, cgroups. */
  leftovers(): Promise<string[]> {
    return leftovers(this.layout);
  }
}

/**
 * The unix sockets made under the cluster directory: containerd's gRPC and ttrpc sockets and the
 * kubelet's device-plugin and pod-resources sockets (under its --root-dir). The kubelet's
 * device-plugin socket is the longest: with root's default state directory a name may have up to
 * 23 characters. Shim sockets live in containerd's own short /run/containerd/s, named by a hash.
 */
export function unixSockets(layout: LocalClusterLayout): string[] {
  return [
    layout.containerd.socket,
    `${layout.containerd.socket}.ttrpc`,
    `${layout.kubelet.rootDir}/device-plugins/kubelet.sock`,
    `${layout.kubelet.rootDir}/pod-resources/kubelet.sock`,
  ];
}

function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new UserError(
      'The local provider runs a kubelet and a container runtime and must run as root; run as root, or pass --kubeconfig to use an existing cluster.',
      ExitCode.notRoot,
    );
  }
}
