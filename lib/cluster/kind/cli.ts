import { clusterStartError, ExitCode, missingDependencyError, UserError } from '../../errors.js';
import { retry } from '../../retry.js';
import { commandLine, lastLine, type CommandResult, type CommandRunner } from './commands.js';
import type { KindTools } from './tools.js';

/** Quick kind and engine commands (get, inspect): seconds, rarely more. */
export const QUICK_MS = 60_000;

/**
 * kind and the container engine, for one cluster name: every command the provider runs, each
 * failure one sentence (exit 6; a missing kind exit 5) naming the command and kind's last error line.
 */
export class KindCli {
  constructor(
    private readonly run: CommandRunner,
    readonly tools: KindTools,
    readonly cluster: string,
  ) {}

  /** kind's engine: docker is its default, podman is named. */
  env(): Record<string, string> | undefined {
    return this.tools.engine === 'podman' ? { KIND_EXPERIMENTAL_PROVIDER: 'podman' } : undefined;
  }

  /** Runs kind; throws one sentence when it fails, a plain error when it was interrupted. */
  async kind(
    args: string[],
    what: string,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<CommandResult> {
    const env = this.env();
    const timeoutMs = options.timeoutMs ?? QUICK_MS;
    const result = await this.run(this.tools.kind, args, {
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(env ? { env } : {}),
    });
    if (result.canceled) throw new Error(`${what} was interrupted`);
    if (result.missing) {
      throw missingDependencyError(
        `${this.tools.kind} is missing; run \`sidecar-conformance setup --kind\` as root to install kind.`,
      );
    }
    if (result.timedOut) throw clusterStartError(`${what} did not finish within ${timeoutMs / 1000} s.`);
    if (result.exitCode !== 0) {
      throw clusterStartError(
        `\`${commandLine(this.tools.kind, args)}\` exited ${result.exitCode ?? 'by a signal'}: ${lastLine(result) || 'no output'}.`,
      );
    }
    return result;
  }

  /** Whether `kind get clusters` lists this cluster. */
  async exists(): Promise<boolean> {
    const listed = await this.kind(['get', 'clusters'], 'kind get clusters');
    return listed.stdout.split('\n').some((line) => line.trim() === this.cluster);
  }

  /** The control-plane node's container name (`<name>-control-plane` for one node). */
  async nodeName(): Promise<string> {
    const listed = await this.kind(['get', 'nodes', '--name', this.cluster], 'kind get nodes');
    const nodes = listed.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean);
    return nodes.find((n) => n.endsWith('-control-plane')) ?? nodes[0] ?? `${this.cluster}-control-plane`;
  }

  async nodeRunning(node: string): Promise<boolean> {
    const result = await this.run(this.tools.engine, ['inspect', '--format', '{{.State.Running}}', node], {
      timeoutMs: QUICK_MS,
    });
    return result.exitCode === 0 && result.stdout.trim() === 'true';
  }

  /** Whether the engine's image store has this image (kind never pulls one that is there). */
  async hasImage(reference: string): Promise<boolean> {
    const result = await this.run(this.tools.engine, ['image', 'inspect', '--format', '{{.Id}}', reference], {
      timeoutMs: QUICK_MS,
    });
    return result.exitCode === 0;
  }

  /** `kind get kubeconfig`, retried while a new API server settles (not when kind is missing or on Ctrl-C). */
  async kubeconfig(signal?: AbortSignal): Promise<string> {
    const result = await retry(
      () => this.kind(['get', 'kubeconfig', '--name', this.cluster], 'kind get kubeconfig'),
      {
        description: `kind get kubeconfig --name ${this.cluster}`,
        retries: 3,
        retryable: (error) =>
          !signal?.aborted &&
          (!(error instanceof UserError) || error.exitCode === ExitCode.clusterStartFailed),
        ...(signal ? { signal } : {}),
      },
    );
    return result.stdout;
  }

  /** `kind export logs DIR`: the node's journal, kubelet, containerd and pod logs; never throws. */
  async exportLogs(dir: string): Promise<{ ok: true } | { ok: false; why: string }> {
    const env = this.env();
    const result = await this.run(this.tools.kind, ['export', 'logs', dir, '--name', this.cluster], {
      timeoutMs: 5 * 60_000,
      ...(env ? { env } : {}),
    }).catch(
      (error: unknown) => ({ exitCode: undefined, stdout: '', stderr: String(error) }) as CommandResult,
    );
    return result.exitCode === 0 ? { ok: true } : { ok: false, why: lastLine(result) || 'no output' };
  }
}
