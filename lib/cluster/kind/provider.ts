import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { cacheDir, defaults, KIND_NODE_IMAGE, stateDir } from '../../config.js';
import {
  clusterStartError,
  describeError,
  ExitCode,
  missingDependencyError,
  UserError,
} from '../../errors.js';
import { retry } from '../../retry.js';
import { CrictlInspector } from '../cri.js';
import { formatFeatureGates, includesFeatureGates, type FeatureGates } from '../feature-gates.js';
import { withLock } from '../local/lock.js';
import type { RuntimeInspector } from '../../observe/runtime.js';
import type { ClusterProvider, ClusterStatus, UpOptions } from '../provider.js';
import { commandLine, lastLine, runCommand, type CommandResult, type CommandRunner } from './commands.js';
import { loadLocalImages, localImageArchives, type LocalImageArchive } from './load-images.js';
import { waitForKindCluster } from './ready.js';
import {
  forgetCluster,
  kindPaths,
  readClusterRecord,
  readClusterRecordSync,
  readMarker,
  writeClusterRecord,
  writeMarker,
  type KindPaths,
} from './state.js';
import { probeKindTools, requireKindTools, type KindTools } from './tools.js';

/** The repository's kind config: the cluster is created from it (name and feature gates added). */
export const KIND_CONFIG = fileURLToPath(new URL('../../../kind-config.yaml', import.meta.url));

/** The node's CRI socket and crictl, as kind's node images have them. */
const NODE_CRI_SOCKET = '/run/containerd/containerd.sock';

/** How long an up or down waits for another one of the same cluster (a create takes minutes). */
const LOCK_WAIT_MS = 15 * 60_000;

/** Quick kind and engine commands (get, inspect, delete): seconds. */
const QUICK_MS = 60_000;

export interface KindProviderOptions {
  name: string;
  kubernetesVersion: string;
  featureGates?: FeatureGates;
  /** `--node-image REF`; default: KIND_NODE_IMAGE(kubernetesVersion). */
  nodeImage?: string;
  /** Below: what tests replace. */
  runner?: CommandRunner;
  stateRoot?: string;
  cacheRoot?: string;
  env?: NodeJS.ProcessEnv;
  configFile?: string;
  waitReady?: (kubeconfig: string, progress: (line: string) => void, signal?: AbortSignal) => Promise<void>;
  imageArchives?: (progress: (line: string) => void, signal?: AbortSignal) => Promise<LocalImageArchive[]>;
}

/**
 * A kind cluster: reused when one of this name exists (kind get clusters), else created from the
 * repository's kind-config.yaml with the node image of the version. Only a cluster this harness
 * created (its marker in the state directory) is ever deleted. No faults or node reboots: the
 * scenarios that need them are not applicable here.
 */
export class KindProvider implements ClusterProvider {
  readonly providerName = 'kind';
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  readonly featureGates: FeatureGates;
  readonly nodeImage: string;
  readonly paths: KindPaths;
  private readonly run: CommandRunner;
  private readonly cacheRoot: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly options: KindProviderOptions) {
    this.clusterName = options.name;
    this.kubernetesVersion = options.kubernetesVersion.replace(/^v/, '');
    this.featureGates = options.featureGates ?? {};
    this.nodeImage = options.nodeImage ?? KIND_NODE_IMAGE(this.kubernetesVersion);
    this.paths = kindPaths(options.stateRoot ?? stateDir(), options.name);
    this.run = options.runner ?? runCommand;
    this.cacheRoot = options.cacheRoot ?? cacheDir();
    this.env = options.env ?? process.env;
  }

  kubeconfigPath(): string {
    return this.paths.kubeconfig;
  }

  /** crictl in the node, through `docker exec`, once an up has recorded where the node is. */
  runtime(): RuntimeInspector | undefined {
    const record = readClusterRecordSync(this.paths);
    if (!record) return undefined;
    return new CrictlInspector({
      crictl: 'crictl',
      socket: NODE_CRI_SOCKET,
      via: {
        command: record.engine,
        args: ['exec', '-e', 'TZ=UTC', record.node],
        what: `${record.engine} exec ${record.node}`,
      },
    });
  }

  async status(): Promise<ClusterStatus> {
    const base = {
      name: this.clusterName,
      provider: this.providerName,
      kubeconfigPath: this.kubeconfigPath(),
    };
    const probe = await probeKindTools(this.search());
    if ('missing' in probe) {
      return { ...base, running: false, components: [`kind provider unavailable: needs ${probe.missing}`] };
    }
    const { tools } = probe;
    const exists = await this.exists(tools);
    const marker = await readMarker(this.paths);
    const node = exists ? await this.nodeName(tools) : undefined;
    const nodeRunning = node ? await this.nodeRunning(tools, node) : false;
    return {
      ...base,
      running: exists && nodeRunning,
      components: [
        exists
          ? `node ${node} ${nodeRunning ? 'running' : 'not running'}`
          : `no kind cluster ${this.clusterName}`,
        `kind ${tools.kind}, ${tools.engine} ${tools.engineVersion}`,
        ...(marker
          ? [
              `created by sidecar-conformance at ${marker.createdAt} from ${marker.nodeImage}; down deletes it`,
            ]
          : exists
            ? ['not created by sidecar-conformance: down leaves it alone']
            : []),
      ],
    };
  }

  async up(options: UpOptions = {}): Promise<string> {
    const tools = await requireKindTools(this.search());
    await mkdir(this.paths.dir, { recursive: true });
    return withLock(
      this.paths.lock,
      `\`cluster up\` or \`down\` of kind cluster ${this.clusterName}`,
      () => this.upLocked(tools, options),
      LOCK_WAIT_MS,
    );
  }

  private async upLocked(tools: KindTools, options: UpOptions): Promise<string> {
    const progress = options.onProgress ?? (() => {});
    const { signal } = options;
    let created = false;
    if (await this.exists(tools)) {
      await this.refuseOtherCluster();
      const marker = await readMarker(this.paths);
      progress(
        marker
          ? `reusing kind cluster ${this.clusterName} (created by sidecar-conformance at ${marker.createdAt})`
          : `reusing kind cluster ${this.clusterName}, which sidecar-conformance did not create (it never deletes it)`,
      );
    } else {
      await this.requireNodeImage(tools);
      await this.writeConfig();
      // Before create: a Ctrl-C or a crash in the middle of it still leaves a cluster `down` deletes.
      await writeMarker(this.paths, {
        createdAt: new Date().toISOString(),
        pid: process.pid,
        nodeImage: this.nodeImage,
        kubernetesVersion: this.kubernetesVersion,
        featureGates: this.featureGates,
      });
      created = true;
    }
    try {
      if (created) await this.create(tools, progress, signal);
      await this.writeKubeconfig(tools, signal);
      const node = await this.nodeName(tools);
      const before = await readClusterRecord(this.paths);
      const record = { engine: tools.engine, node, loaded: before?.node === node ? before.loaded : {} };
      await writeClusterRecord(this.paths, record);
      const ready = (this.options.waitReady ?? waitForKindCluster)(this.kubeconfigPath(), progress, signal);
      ready.catch(() => undefined); // awaited below; never an unhandled rejection while images load
      if (options.localImages ?? true) {
        const archives = await (this.options.imageArchives ?? this.defaultArchives())(progress, signal);
        record.loaded = await loadLocalImages({
          run: (args, what) =>
            this.kind(tools, args, what, { signal, timeoutMs: defaults.kindCreateTimeoutMs }),
          engine: tools.engine,
          runner: this.run,
          node,
          cluster: this.clusterName,
          archives,
          loaded: record.loaded,
          progress,
        });
        await writeClusterRecord(this.paths, record);
      }
      await ready;
    } catch (error) {
      throw await this.failedUp(tools, error, created, options);
    }
    progress(
      `kind cluster ${this.clusterName} is up (${created ? `created from ${this.nodeImage}` : 'reused'}); kubeconfig ${this.kubeconfigPath()}`,
    );
    return this.kubeconfigPath();
  }

  /** A cluster this harness created with other settings is not silently reused. */
  private async refuseOtherCluster(): Promise<void> {
    const marker = await readMarker(this.paths);
    if (!marker) return;
    const say = (gates: FeatureGates) => formatFeatureGates(gates) || 'no feature gates';
    const differs =
      marker.kubernetesVersion !== this.kubernetesVersion
        ? `Kubernetes ${marker.kubernetesVersion}, not ${this.kubernetesVersion}`
        : !includesFeatureGates(marker.featureGates, this.featureGates)
          ? `${say(marker.featureGates)}, not ${say(this.featureGates)}`
          : undefined;
    if (differs) {
      throw new UserError(
        `Kind cluster ${this.clusterName} already runs with ${differs}; take it down first (sidecar-conformance cluster down --provider kind --name ${this.clusterName}).`,
        ExitCode.clusterStartFailed,
      );
    }
  }

  private async create(
    tools: KindTools,
    progress: (line: string) => void,
    signal?: AbortSignal,
  ): Promise<void> {
    const gates = formatFeatureGates(this.featureGates);
    progress(
      `creating kind cluster ${this.clusterName} from ${this.nodeImage} (${tools.engine}${gates ? `, feature gates ${gates}` : ''})`,
    );
    const args = [
      'create',
      'cluster',
      '--name',
      this.clusterName,
      '--config',
      this.paths.config,
      '--image',
      this.nodeImage,
      // kind writes here, not into ~/.kube/config; --retain keeps a failed node for `kind export logs`.
      '--kubeconfig',
      this.paths.kubeconfig,
      '--retain',
    ];
    await this.kind(tools, args, `kind create cluster ${this.clusterName}`, {
      signal,
      timeoutMs: defaults.kindCreateTimeoutMs,
    });
  }

  /**
   * What an up that failed leaves and says: on Ctrl-C the cluster it created is deleted; on any
   * other failure kind's logs are exported first (into the run's reports when known), then the
   * cluster it created is deleted. A cluster it reused is never deleted.
   */
  private async failedUp(
    tools: KindTools,
    error: unknown,
    created: boolean,
    options: UpOptions,
  ): Promise<unknown> {
    const progress = options.onProgress ?? (() => {});
    if (options.signal?.aborted) {
      if (created) {
        progress(`interrupted: deleting kind cluster ${this.clusterName}, which this up created`);
        await this.delete(tools).catch((e: unknown) => progress(`deleting it failed: ${describeError(e)}`));
      }
      return error;
    }
    const reason = describeError(error).split('\n')[0]?.replace(/\.$/, '') ?? 'unknown error';
    const logs = join(
      options.diagnosticsDir ?? join(this.paths.logs, new Date().toISOString().replace(/[:.]/g, '-')),
      `kind-logs-${this.clusterName}`,
    );
    const exported = await this.run(tools.kind, ['export', 'logs', logs, '--name', this.clusterName], {
      timeoutMs: 5 * 60_000,
      env: this.kindEnv(tools),
    }).catch(() => undefined);
    const where =
      exported?.exitCode === 0
        ? `kind export logs wrote the node's logs to ${logs}`
        : `\`kind export logs\` failed too (${exported ? lastLine(exported) : 'did not run'})`;
    if (created) {
      progress(`kind cluster ${this.clusterName} did not come up; deleting it (this up created it)`);
      await this.delete(tools).catch((e: unknown) => progress(`deleting it failed: ${describeError(e)}`));
    }
    const kept = created ? '' : ' (it existed before this up and is left running)';
    // A missing dependency (say, agnhost's build) keeps its own exit code.
    if (error instanceof UserError && error.exitCode !== ExitCode.clusterStartFailed) {
      return new UserError(`${error.message.replace(/\.$/, '')}; ${where}.`, error.exitCode, {
        cause: error,
      });
    }
    return clusterStartError(
      `Kind cluster ${this.clusterName} did not come up${kept}: ${reason}; ${where}.`,
      error,
    );
  }

  async down(options: UpOptions = {}): Promise<void> {
    const progress = options.onProgress ?? (() => {});
    const tools = await requireKindTools(this.search());
    await mkdir(this.paths.dir, { recursive: true });
    await withLock(
      this.paths.lock,
      `\`cluster up\` or \`down\` of kind cluster ${this.clusterName}`,
      async () => {
        const marker = await readMarker(this.paths);
        const exists = await this.exists(tools);
        if (!marker) {
          if (!exists) {
            progress(`no kind cluster ${this.clusterName}; nothing to take down`);
            return;
          }
          throw new UserError(
            `Kind cluster ${this.clusterName} was not created by sidecar-conformance (no marker in ${this.paths.dir}), so it is left running; \`kind delete cluster --name ${this.clusterName}\` deletes it.`,
            ExitCode.usage,
          );
        }
        progress(
          `deleting kind cluster ${this.clusterName} (created by sidecar-conformance at ${marker.createdAt})`,
        );
        await this.delete(tools);
      },
      LOCK_WAIT_MS,
    );
  }

  /** Deletes the cluster (only ever called with the marker present) and forgets it. */
  private async delete(tools: KindTools): Promise<void> {
    await this.kind(
      tools,
      ['delete', 'cluster', '--name', this.clusterName, '--kubeconfig', this.paths.kubeconfig],
      `kind delete cluster ${this.clusterName}`,
      { timeoutMs: 5 * 60_000 },
    );
    await forgetCluster(this.paths);
  }

  private search() {
    return { runner: this.run, cacheRoot: this.cacheRoot, env: this.env };
  }

  /** kind's engine: docker is its default, podman is named. */
  private kindEnv(tools: KindTools): Record<string, string> | undefined {
    return tools.engine === 'podman' ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : undefined;
  }

  /** Runs kind; a failure is one sentence with kind's last error line. */
  private async kind(
    tools: KindTools,
    args: string[],
    what: string,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    const env = this.kindEnv(tools);
    const result = await this.run(tools.kind, args, {
      timeoutMs: options.timeoutMs ?? QUICK_MS,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(env ? { env } : {}),
    });
    if (result.canceled) throw new Error(`${what} was interrupted`);
    if (result.missing) {
      throw missingDependencyError(
        `${tools.kind} is missing; run \`sidecar-conformance setup --kind\` as root to install kind.`,
      );
    }
    if (result.timedOut) {
      throw new Error(`${what} did not finish within ${(options.timeoutMs ?? QUICK_MS) / 1000} s`);
    }
    if (result.exitCode !== 0) {
      throw new Error(
        `\`${commandLine(tools.kind, args)}\` exited ${result.exitCode ?? 'by a signal'}: ${lastLine(result) || 'no output'}`,
      );
    }
    return result;
  }

  private async exists(tools: KindTools): Promise<boolean> {
    const listed = await this.kind(tools, ['get', 'clusters'], 'kind get clusters');
    return listed.stdout.split('\n').some((line) => line.trim() === this.clusterName);
  }

  /** The control-plane node's container name (`<name>-control-plane` for one node). */
  private async nodeName(tools: KindTools): Promise<string> {
    const listed = await this.kind(tools, ['get', 'nodes', '--name', this.clusterName], 'kind get nodes');
    const nodes = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return nodes.find((n) => n.endsWith('-control-plane')) ?? nodes[0] ?? `${this.clusterName}-control-plane`;
  }

  private async nodeRunning(tools: KindTools, node: string): Promise<boolean> {
    const result = await this.run(tools.engine, ['inspect', '--format', '{{.State.Running}}', node], {
      timeoutMs: QUICK_MS,
    });
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** The node image must be in the engine's store: it is built here, never pulled. */
  private async requireNodeImage(tools: KindTools): Promise<void> {
    const result = await this.run(tools.engine, ['image', 'inspect', '--format', '{{.Id}}', this.nodeImage], {
      timeoutMs: QUICK_MS,
    });
    if (result.exitCode === 0) return;
    const build = this.options.nodeImage
      ? `build or load it into ${tools.engine}, or pass another --node-image`
      : `build it with \`sidecar-conformance node-image build --version ${this.kubernetesVersion}\`, or pass --node-image REF`;
    throw missingDependencyError(
      `Node image ${this.nodeImage} is not in ${tools.engine}'s images; ${build} (or use --provider local).`,
    );
  }

  /** The repository's kind-config.yaml with this cluster's name and feature gates, in the state directory. */
  private async writeConfig(): Promise<void> {
    const file = this.options.configFile ?? KIND_CONFIG;
    const config = (yaml.load(await readFile(file, 'utf8')) ?? {}) as Record<string, unknown>;
    config.name = this.clusterName;
    if (Object.keys(this.featureGates).length > 0) {
      config.featureGates = { ...((config.featureGates as object | undefined) ?? {}), ...this.featureGates };
    }
    await writeFile(
      this.paths.config,
      `# Written by sidecar-conformance from ${file} for kind cluster ${this.clusterName}.\n${yaml.dump(config)}`,
    );
  }

  /** `kind get kubeconfig` into the state directory (0600); retried while the new API server settles. */
  private async writeKubeconfig(tools: KindTools, signal?: AbortSignal): Promise<void> {
    const result = await retry(
      () => this.kind(tools, ['get', 'kubeconfig', '--name', this.clusterName], 'kind get kubeconfig'),
      {
        description: `kind get kubeconfig --name ${this.clusterName}`,
        retries: 3,
        retryable: (error) => !(error instanceof UserError) && !signal?.aborted,
        ...(signal ? { signal } : {}),
      },
    );
    await writeFile(this.paths.kubeconfig, result.stdout, { mode: 0o600 });
  }

  private defaultArchives() {
    return (progress: (line: string) => void, signal?: AbortSignal) =>
      localImageArchives(this.kubernetesVersion, this.cacheRoot, progress, signal);
  }
}
