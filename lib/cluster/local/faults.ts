import { readFile } from 'node:fs/promises';
import { clusterStartError } from '../../errors.js';
import { nowNs, nsToMs } from '../../timeline/time.js';
import { poll, sleep, WaitAbortedError } from '../../wait.js';
import type {
  FaultHappened,
  FaultKind,
  FaultOptions,
  PausableComponent,
  RestartableComponent,
} from '../provider.js';
import { runningBinary, runningPid, stopDaemon } from './processes.js';

/**
 * Faults the local provider makes on purpose, on its own daemons found by their pid files: a
 * restart (SIGTERM, SIGKILL after a grace period, then the same start `up` does) and a pause
 * (SIGSTOP, then SIGCONT — always, also when the caller aborts or anything fails).
 */

const RESTART_KIND: Record<RestartableComponent, FaultKind> = {
  'kube-apiserver': 'apiserver-restart',
  kubelet: 'kubelet-restart',
};

const PAUSE_KIND: Record<PausableComponent, FaultKind> = { 'kube-apiserver': 'apiserver-pause' };

/** How long a stopped component may take to exit before SIGKILL. */
export const RESTART_GRACE_MS = 10_000;

const seconds = (ns: bigint): string => `${(nsToMs(ns) / 1000).toFixed(1)} s`;

function notRunning(component: string, pidPath: string, what: string) {
  return clusterStartError(
    `${component} is not running (no live process in ${pidPath}), so it cannot be ${what}; bring the cluster up first (sidecar-conformance cluster up).`,
  );
}

export interface RestartTarget {
  component: RestartableComponent;
  pidPath: string;
  /** Starts the component from `binary` as `up` does and resolves once it answers its health check. */
  start: (binary: string, signal?: AbortSignal) => Promise<void>;
  graceMs?: number;
}

/** Stops the daemon, starts it again from the binary it ran, and returns once it answers. */
export async function restartDaemon(
  target: RestartTarget,
  options: FaultOptions = {},
): Promise<FaultHappened> {
  const { component, pidPath } = target;
  const progress = options.onProgress ?? (() => {});
  const binary = await runningBinary(pidPath);
  const pid = await runningPid(pidPath);
  if (!binary || pid === undefined) throw notRunning(component, pidPath, 'restarted');
  const graceMs = target.graceMs ?? RESTART_GRACE_MS;
  progress(`stopping ${component} (pid ${pid}, SIGTERM, SIGKILL after ${graceMs} ms)`);
  const atNs = nowNs();
  await stopDaemon(pidPath, graceMs);
  const stoppedNs = nowNs();
  // stopDaemon sends SIGKILL once the grace period is over: a stop that took that long needed it.
  const how = nsToMs(stoppedNs - atNs) >= graceMs ? `, SIGKILL after ${graceMs / 1000} s` : '';
  progress(`${component} stopped after ${seconds(stoppedNs - atNs)}${how}; starting it again`);
  // Started whatever the signal says: an abort may end the wait for health, never leave it stopped.
  await target.start(binary, options.signal);
  const untilNs = nowNs();
  const newPid = await runningPid(pidPath);
  progress(`${component} answers again (pid ${newPid ?? '?'}), ${seconds(untilNs - atNs)} after the stop`);
  return {
    kind: RESTART_KIND[component],
    component,
    atNs,
    untilNs,
    what: `${component} restarted: pid ${pid} stopped in ${seconds(stoppedNs - atNs)} (SIGTERM${how}), pid ${newPid ?? '?'} answered ${seconds(untilNs - stoppedNs)} later`,
  };
}

/**
 * A node reboot, as upstream's e2e_node tests make one: the kubelet stops, every pod sandbox is
 * stopped through the CRI (`stopSandboxes`), the kubelet starts again; returns once it answers.
 * The kubelet is started again also when stopping the sandboxes fails.
 */
export async function rebootNode(
  target: RestartTarget & { stopSandboxes: () => Promise<number> },
  options: FaultOptions = {},
): Promise<FaultHappened> {
  const { pidPath } = target;
  const progress = options.onProgress ?? (() => {});
  const binary = await runningBinary(pidPath);
  const pid = await runningPid(pidPath);
  if (!binary || pid === undefined) throw notRunning('kubelet', pidPath, 'stopped for a node reboot');
  const graceMs = target.graceMs ?? RESTART_GRACE_MS;
  progress(`node reboot: stopping the kubelet (pid ${pid})`);
  const atNs = nowNs();
  await stopDaemon(pidPath, graceMs);
  let stopped: number | undefined;
  try {
    stopped = await target.stopSandboxes();
    progress(`node reboot: ${stopped} pod sandbox(es) stopped through the CRI; starting the kubelet`);
  } finally {
    await target.start(binary, options.signal);
  }
  const untilNs = nowNs();
  const newPid = await runningPid(pidPath);
  progress(
    `node reboot: the kubelet answers again (pid ${newPid ?? '?'}), ${seconds(untilNs - atNs)} after the stop`,
  );
  return {
    kind: 'node-reboot',
    component: 'kubelet',
    atNs,
    untilNs,
    what: `node reboot: kubelet pid ${pid} stopped, ${stopped} pod sandbox(es) stopped through the CRI, kubelet pid ${newPid ?? '?'} answered ${seconds(untilNs - atNs)} after the stop`,
  };
}

/** The state letter of /proc/<pid>/stat (R, S, D, T for stopped, …); undefined when the process is gone. */
export async function processState(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // The command name in parentheses may hold spaces and parentheses: the state follows the last ')'.
  return stat?.slice(stat.lastIndexOf(')') + 1).trim()[0];
}

export interface PauseTarget {
  component: PausableComponent;
  pidPath: string;
}

/**
 * Freezes the daemon for `ms` (SIGSTOP, checked in /proc), then resumes it (SIGCONT). It resumes on
 * every way out: the time is up, the caller aborts (the error is rethrown after), something fails,
 * or the process exits.
 */
export async function pauseDaemon(
  target: PauseTarget,
  ms: number,
  options: FaultOptions = {},
): Promise<FaultHappened> {
  const { component, pidPath } = target;
  const progress = options.onProgress ?? (() => {});
  const pid = await runningPid(pidPath);
  if (pid === undefined) throw notRunning(component, pidPath, 'paused');
  let resumedNs: bigint | undefined;
  const resume = () => {
    if (resumedNs !== undefined) return;
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone meanwhile: nothing left stopped
    }
    resumedNs = nowNs();
  };
  // Synchronous, so it also runs when the process exits in the middle (a second Ctrl-C).
  process.on('exit', resume);
  const atNs = nowNs();
  try {
    process.kill(pid, 'SIGSTOP');
    await poll(async () => ((await processState(pid)) === 'T' ? true : undefined), {
      description: `${component} (pid ${pid}) to stop after SIGSTOP`,
      timeoutMs: 2_000,
      intervalMs: 10,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    progress(`${component} paused (SIGSTOP to pid ${pid}) for ${ms} ms`);
    const left = ms - nsToMs(nowNs() - atNs);
    if (left > 0) {
      await sleep(left, options.signal).catch((error: unknown) => {
        throw error instanceof WaitAbortedError
          ? new WaitAbortedError(`the end of the ${ms} ms pause of ${component}, which resumed at once`)
          : error;
      });
    }
  } finally {
    resume();
    process.off('exit', resume);
  }
  const untilNs = resumedNs ?? nowNs();
  progress(`${component} resumed (SIGCONT to pid ${pid}) after ${seconds(untilNs - atNs)}`);
  return {
    kind: PAUSE_KIND[component],
    component,
    atNs,
    untilNs,
    what: `${component} paused: SIGSTOP to pid ${pid}, SIGCONT ${seconds(untilNs - atNs)} later`,
  };
}
