import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { readFile, readdir, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { poll } from '../../wait.js';
import { parseFeatureGates, type FeatureGates } from '../feature-gates.js';

/**
 * Daemons of the local cluster: each runs detached in its own process group, writes to
 * `logs/<name>.log`, and leaves `run/<name>.pid` so `down` (from any later process) can stop it.
 */

export interface DaemonSpec {
  name: string;
  binary: string;
  args: string[];
  env?: Record<string, string>;
  logPath: string;
  pidPath: string;
}

export function startDaemon(spec: DaemonSpec): number {
  const log = openSync(spec.logPath, 'a');
  try {
    const child = spawn(spec.binary, spec.args, {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, ...spec.env },
    });
    if (child.pid === undefined) throw new Error(`could not start ${spec.binary}`);
    child.unref();
    // The binary goes beside the pid so a later `down` can tell our process from a recycled pid.
    writeFileSync(spec.pidPath, `${child.pid}\n${spec.binary}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The daemon a pid file names, if that process still runs the binary recorded beside the pid. */
async function runningDaemon(pidPath: string): Promise<{ pid: number; binary: string } | undefined> {
  let pid: number;
  let binary: string;
  try {
    const [pidLine = '', binaryLine = ''] = (await readFile(pidPath, 'utf8')).split('\n');
    pid = Number(pidLine.trim());
    binary = binaryLine.trim();
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  // A recycled pid running something else is not ours.
  const exe = await readlink(`/proc/${pid}/exe`).catch(() => '');
  return exe.replace(/ \(deleted\)$/, '') === binary ? { pid, binary } : undefined;
}

/** The pid in a pid file, if that process still runs the binary recorded beside it. */
export async function runningPid(pidPath: string): Promise<number | undefined> {
  return (await runningDaemon(pidPath))?.pid;
}

/** The binary a running daemon was started from; undefined when it is not running. */
export async function runningBinary(pidPath: string): Promise<string | undefined> {
  return (await runningDaemon(pidPath))?.binary;
}

/** SIGTERM to the daemon's process group, SIGKILL after `graceMs`; removes the pid file. */
export async function stopDaemon(pidPath: string, graceMs = 10_000): Promise<boolean> {
  const pid = await runningPid(pidPath);
  if (pid !== undefined) {
    signalGroup(pid, 'SIGTERM');
    try {
      await poll(() => (isAlive(pid) ? undefined : true), {
        description: `${pidPath} (pid ${pid}) to exit`,
        timeoutMs: graceMs,
        intervalMs: 100,
      });
    } catch {
      signalGroup(pid, 'SIGKILL');
      await poll(() => (isAlive(pid) ? undefined : true), {
        description: `${pidPath} (pid ${pid}) to exit after SIGKILL`,
        timeoutMs: 5_000,
        intervalMs: 100,
      }).catch(() => undefined);
    }
  }
  await rm(pidPath, { force: true });
  return pid !== undefined;
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** Pids whose command line mentions `marker` (our cluster directory): shims and strays of ours only. */
export async function pidsMentioning(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cmdline = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    if (cmdline.includes(marker)) pids.push(Number(entry));
  }
  return pids;
}

export async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  await poll(() => (pids.some(isAlive) ? undefined : true), {
    description: `processes ${pids.join(', ')} to exit`,
    timeoutMs: 5_000,
    intervalMs: 100,
  }).catch(() => undefined);
}

/** The gates a running daemon was started with (its `--feature-gates=` argument); undefined when it is gone. */
export async function runningFeatureGates(pid: number): Promise<FeatureGates | undefined> {
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (cmdline === undefined) return undefined;
  const flag = cmdline.split('\0').find((arg) => arg.startsWith('--feature-gates='));
  return parseFeatureGates(flag?.slice('--feature-gates='.length));
}
