import { execa } from 'execa';
import type { ContainerRuntimeTimes, RuntimeInspector } from '../observe/runtime.js';
import { parseTimeNs } from '../timeline/time.js';

/**
 * Container times from a node's containerd, read through its CRI with crictl: the runtime's own
 * nanosecond created/started/finished times, where the API server only has seconds. The local
 * provider runs crictl on the host against its cluster's socket; the kind provider runs the node's
 * own crictl through `docker exec` (`via`).
 */

/** How long one crictl call may take; CRI ContainerStatus answers in milliseconds. */
export const CRICTL_TIMEOUT_MS = 5_000;

/** The parts of `crictl inspect -o json` this harness reads (one container's `.status`). */
interface CrictlStatus {
  id?: unknown;
  metadata?: { name?: unknown };
  createdAt?: unknown;
  startedAt?: unknown;
  finishedAt?: unknown;
  exitCode?: unknown;
  reason?: unknown;
}

/**
 * An RFC3339Nano time from crictl, or undefined when unset: crictl prints Go's zero time
 * (`0001-01-01T00:00:00Z`) for a time the runtime has not set and the Unix epoch for a zero
 * nanosecond count, so anything at or before the epoch is unset.
 */
function timeNs(value: unknown, field: string): bigint | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`crictl inspect printed a non-string ${field}`);
  const ns = parseTimeNs(value);
  return ns > 0n ? ns : undefined;
}

function timesOf(entry: unknown): ContainerRuntimeTimes {
  const status = (entry as { status?: CrictlStatus } | null)?.status;
  if (!status || typeof status.id !== 'string' || !status.id) {
    throw new Error('crictl inspect printed an entry without a container status');
  }
  const name = status.metadata?.name;
  const finishedNs = timeNs(status.finishedAt, 'finishedAt');
  const times: ContainerRuntimeTimes = {
    containerId: status.id,
    name: typeof name === 'string' ? name : '',
  };
  const createdNs = timeNs(status.createdAt, 'createdAt');
  const startedNs = timeNs(status.startedAt, 'startedAt');
  if (createdNs !== undefined) times.createdNs = createdNs;
  if (startedNs !== undefined) times.startedNs = startedNs;
  if (finishedNs !== undefined) {
    times.finishedNs = finishedNs;
    // A running container's exitCode is the protobuf default 0, not an exit; only a finished one has one.
    if (typeof status.exitCode === 'number') times.exitCode = status.exitCode;
    if (typeof status.reason === 'string' && status.reason) times.reason = status.reason;
  }
  return times;
}

/**
 * `crictl inspect -o json` output → the times of each container in it. crictl prints one object for
 * one id and an array for several; both are accepted. Throws on text that is not such output.
 */
export function parseCrictlInspect(json: string): ContainerRuntimeTimes[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('crictl inspect printed something that is not JSON');
  }
  return (Array.isArray(parsed) ? parsed : [parsed]).map(timesOf);
}

/** Whether crictl's error output says the runtime does not know a container (gRPC NotFound). */
export function isNotFound(stderr: string): boolean {
  return /code\s*=\s*NotFound|\bnot found\b/i.test(stderr);
}

/** The message of crictl's last log line (`time=… level=fatal msg="…"`), or its last line as is. */
export function crictlMessage(stderr: string): string {
  const last = stderr.trim().split('\n').pop() ?? '';
  const msg = /\bmsg="((?:[^"\\]|\\.)*)"/.exec(last)?.[1];
  return (msg === undefined ? last : msg.replace(/\\(.)/g, '$1')).trim();
}

export interface CrictlInspectorOptions {
  /** Path to the crictl binary (inside the node when `via` is given). */
  crictl: string;
  /** The runtime's CRI socket (a path; `unix://` is added). */
  socket: string;
  timeoutMs?: number;
  /**
   * A command crictl runs through, e.g. `docker` with `['exec', '-e', 'TZ=UTC', 'kind-control-plane']`:
   * crictl and its arguments follow these. `what` names it in the source and in errors.
   */
  via?: { command: string; args: string[]; what: string };
}

/** A RuntimeInspector over crictl and one CRI socket. */
export class CrictlInspector implements RuntimeInspector {
  readonly source: string;
  private readonly endpoint: string;
  /** Where crictl asks, for errors: the socket, and the node when through `via`. */
  private readonly where: string;

  constructor(private readonly options: CrictlInspectorOptions) {
    this.endpoint = `unix://${options.socket}`;
    this.source = options.via
      ? `crictl inspect (${options.via.what}, ${this.endpoint})`
      : `crictl inspect (${this.endpoint})`;
    this.where = options.via ? `${this.endpoint} (${options.via.what})` : this.endpoint;
  }

  async inspect(containerId: string, signal?: AbortSignal): Promise<ContainerRuntimeTimes | undefined> {
    const [times] = await this.inspectMany([containerId], signal);
    return times;
  }

  /**
   * Several containers in one crictl call, in the order asked; undefined for a container the runtime
   * no longer knows. crictl fails the whole call on one unknown id, so then each id is asked alone.
   */
  async inspectMany(
    containerIds: string[],
    signal?: AbortSignal,
  ): Promise<(ContainerRuntimeTimes | undefined)[]> {
    if (containerIds.length === 0) return [];
    const result = await this.run(containerIds, signal);
    if (result === 'not-found') {
      if (containerIds.length === 1) return [undefined];
      const each: (ContainerRuntimeTimes | undefined)[] = [];
      for (const id of containerIds) each.push(...(await this.inspectMany([id], signal)));
      return each;
    }
    const byId = new Map(result.map((times) => [times.containerId, times]));
    // crictl also accepts an id prefix; match the full id it answers with.
    return containerIds.map((id) => byId.get(id) ?? result.find((times) => times.containerId.startsWith(id)));
  }

  private async run(ids: string[], signal?: AbortSignal): Promise<ContainerRuntimeTimes[] | 'not-found'> {
    const what = ids.length === 1 ? `container ${ids[0]}` : `${ids.length} containers`;
    if (signal?.aborted) throw new Error(`Reading ${what} from the runtime was interrupted.`);
    const timeoutMs = this.options.timeoutMs ?? CRICTL_TIMEOUT_MS;
    const args = [
      '--config',
      '/dev/null',
      '--runtime-endpoint',
      this.endpoint,
      'inspect',
      '-o',
      'json',
      '-q',
    ];
    const { via } = this.options;
    const [command, commandArgs] = via
      ? [via.command, [...via.args, this.options.crictl, ...args, ...ids]]
      : [this.options.crictl, [...args, ...ids]];
    const result = await execa(command, commandArgs, {
      reject: false,
      timeout: timeoutMs,
      cancelSignal: signal,
      // crictl prints times in its local zone; UTC keeps them plain `…Z`.
      env: { TZ: 'UTC' },
      stdin: 'ignore',
    });
    if (result.isCanceled) throw new Error(`Reading ${what} from the runtime was interrupted.`);
    if (result.timedOut) {
      throw new Error(`crictl inspect of ${what} did not answer within ${timeoutMs} ms on ${this.where}.`);
    }
    if ((result as { code?: string }).code === 'ENOENT') {
      if (via) throw new Error(`${via.command} is missing; crictl inspect runs through ${via.what}.`);
      throw new Error(
        `crictl is missing at ${this.options.crictl}; \`sidecar-conformance cluster up\` builds it.`,
      );
    }
    if (result.failed) {
      const stderr = String(result.stderr ?? '').trim();
      if (result.exitCode !== undefined && isNotFound(stderr)) return 'not-found';
      const reason = crictlMessage(stderr) || (result.shortMessage ?? '').split('\n')[0];
      throw new Error(`crictl inspect of ${what} failed on ${this.where}: ${reason}`);
    }
    return parseCrictlInspect(String(result.stdout));
  }
}

/**
 * Stops every pod sandbox the runtime knows (`crictl pods -q`, then `crictl stopp`), as a node reboot
 * would: their containers stop with them. Returns how many were stopped.
 */
export async function stopAllPodSandboxes(options: CrictlInspectorOptions): Promise<number> {
  const timeout = 60_000;
  const base = ['--config', '/dev/null', '--runtime-endpoint', `unix://${options.socket}`];
  const listed = await execa(options.crictl, [...base, 'pods', '-q'], {
    reject: false,
    timeout,
    stdin: 'ignore',
  });
  if (listed.failed) {
    throw new Error(
      `crictl pods failed on unix://${options.socket}: ${crictlMessage(String(listed.stderr ?? ''))}`,
    );
  }
  const ids = String(listed.stdout)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (ids.length === 0) return 0;
  const stopped = await execa(options.crictl, [...base, 'stopp', ...ids], {
    reject: false,
    timeout,
    stdin: 'ignore',
  });
  if (stopped.failed) {
    throw new Error(
      `crictl stopp failed on unix://${options.socket}: ${crictlMessage(String(stopped.stderr ?? ''))}`,
    );
  }
  return ids.length;
}
