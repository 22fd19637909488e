import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir, defaults, KIND_NODE_IMAGE, stateDir } from '../../config.js';
import {
  clusterStartError,
  describeError,
  ExitCode,
  missingDependencyError,
  UserError,
} from '../../errors.js';
import { CrictlInspector } from '../cri.js';
import { formatFeatureGates, includesFeatureGates, type FeatureGates } from '../feature-gates.js';
import { withLock } from '../local/lock.js';
import type { RuntimeInspector } from '../../observe/runtime.js';
import type { ClusterProvider, ClusterStatus, UpOptions } from '../provider.js';
import { KindCli } from './cli.js';
import { runCommand, type CommandRunner } from './commands.js';
import { KIND_CONFIG, writeKindConfig } from './config.js';
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
import { probeKindTools, requireKindTools } from './tools.js';

/** The node's CRI socket and crictl, as kind's node images have them. */
const NODE_CRI_SOCKET = '/run/containerd/containerd.sock';

/** How long an up or down waits for another one of the same cluster (a create takes minutes). */
const LOCK_WAIT_MS = 15 * 60_000;

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
    const cli = new KindCli(this.run, tools, this.clusterName);
    const exists = await cli.exists();
    const marker = await readMarker(this.paths);
    const node = exists ? await cli.nodeName() : undefined;
    const nodeRunning = node ? await cli.nodeRunning(node) : false;
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
    const cli = await this.cli();
    await mkdir(this.paths.dir, { recursive: true });
    return withLock(
      this.paths.lock,
      `\`cluster up\` or \`down\` of kind cluster ${this.clusterName}`,
      () => this.upLocked(cli, options),
      LOCK_WAIT_MS,
    );
  }

  private async upLocked(cli: KindCli, options: UpOptions): Promise<string> {
    const progress = options.onProgress ?? (() => {});
    const { signal } = options;
    let created = false;
    if (await cli.exists()) {
      await this.refuseOtherCluster();
      const marker = await readMarker(this.paths);
      progress(
        marker
          ? `reusing kind cluster ${this.clusterName} (created by sidecar-conformance at ${marker.createdAt})`
          : `reusing kind cluster ${this.clusterName}, which sidecar-conformance did not create (it never deletes it)`,
      );
    } else {
      await this.requireNodeImage(cli);
      await writeKindConfig({
        from: this.options.configFile ?? KIND_CONFIG,
        to: this.paths.config,
        name: this.clusterName,
        featureGates: this.featureGates,
      });
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
      if (created) await this.create(cli, progress, signal);
      await writeFile(this.paths.kubeconfig, await cli.kubeconfig(signal), { mode: 0o600 });
      const node = await cli.nodeName();
      const before = await readClusterRecord(this.paths);
      const record = { engine: cli.tools.engine, node, loaded: before?.node === node ? before.loaded : {} };
      await writeClusterRecord(this.paths, record);
      const ready = (this.options.waitReady ?? waitForKindCluster)(this.kubeconfigPath(), progress, signal);
      ready.catch(() => undefined); // awaited below; never an unhandled rejection while images load
      if (options.localImages ?? true) {
        const archives = await (this.options.imageArchives ?? this.defaultArchives())(progress, signal);
        record.loaded = await loadLocalImages({
          run: (args, what) => cli.kind(args, what, { signal, timeoutMs: defaults.kindCreateTimeoutMs }),
          engine: cli.tools.engine,
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
      throw await this.failedUp(cli, error, created, options);
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

  private async create(cli: KindCli, progress: (line: string) => void, signal?: AbortSignal): Promise<void> {
    const gates = formatFeatureGates(this.featureGates);
    progress(
      `creating kind cluster ${this.clusterName} from ${this.nodeImage} (${cli.tools.engine}${gates ? `, feature gates ${gates}` : ''})`,
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
    await cli.kind(args, `kind create cluster ${this.clusterName}`, {
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
    cli: KindCli,
    error: unknown,
    created: boolean,
    options: UpOptions,
  ): Promise<unknown> {
    const progress = options.onProgress ?? (() => {});
    if (options.signal?.aborted) {
      if (created) {
        progress(`interrupted: deleting kind cluster ${this.clusterName}, which this up created`);
        await this.delete(cli).catch((e: unknown) => progress(`deleting it failed: ${describeError(e)}`));
      }
      return error;
    }
    const reason = describeError(error).split('\n')[0]?.replace(/\.$/, '') ?? 'unknown error';
    const logs = join(
      options.diagnosticsDir ?? join(this.paths.logs, new Date().toISOString().replace(/[:.]/g, '-')),
      `kind-logs-${this.clusterName}`,
    );
    const exported = await cli.exportLogs(logs);
    const where = exported.ok
      ? `kind export logs wrote the node's logs to ${logs}`
      : `\`kind export logs\` failed too (${exported.why})`;
    if (created) {
      progress(`kind cluster ${this.clusterName} did not come up; deleting it (this up created it)`);
      await this.delete(cli).catch((e: unknown) => progress(`deleting it failed: ${describeError(e)}`));
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
    const cli = await this.cli();
    await mkdir(this.paths.dir, { recursive: true });
    await withLock(
      this.paths.lock,
      `\`cluster up\` or \`down\` of kind cluster ${this.clusterName}`,
      async () => {
        const marker = await readMarker(this.paths);
        const exists = await cli.exists();
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
        await this.delete(cli);
      },
      LOCK_WAIT_MS,
    );
  }

  /** Deletes the cluster (only ever called with the marker present) and forgets it. */
  private async delete(cli: KindCli): Promise<void> {
    await cli.kind(
      ['delete', 'cluster', '--name', this.clusterName, '--kubeconfig', this.paths.kubeconfig],
      `kind delete cluster ${this.clusterName}`,
      { timeoutMs: 5 * 60_000 },
    );
    await forgetCluster(this.paths);
  }

  private search() {
    return { runner: this.run, cacheRoot: this.cacheRoot, env: this.env };
  }

  private async cli(): Promise<KindCli> {
    return new KindCli(this.run, await requireKindTools(this.search()), this.clusterName);
  }

  /** The node image must be in the engine's store: it is built here, never pulled. */
  private async requireNodeImage(cli: KindCli): Promise<void> {
    if (await cli.hasImage(this.nodeImage)) return;
    const { engine } = cli.tools;
    const build = this.options.nodeImage
      ? `build or load it into ${engine}, or pass another --node-image`
      : `build it with \`sidecar-conformance node-image build --version ${this.kubernetesVersion}\`, or pass --node-image REF`;
    throw missingDependencyError(
      `Node image ${this.nodeImage} is not in ${engine}'s images; ${build} (or use --provider local).`,
    );
  }

  private defaultArchives() {
    return (progress: (line: string) => void, signal?: AbortSignal) =>
      localImageArchives(this.kubernetesVersion, this.cacheRoot, progress, signal);
  }
}
