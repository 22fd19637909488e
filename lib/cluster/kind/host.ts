import { closeSync, openSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode, UserError, missingDependencyError } from '../../errors.js';
import { poll } from '../../wait.js';
import { isAlive } from '../local/processes.js';
import { dockerRangeConflicts, parseRoutes } from './cidr.js';
import {
  DOCKER_ADDRESS_POOL,
  DOCKER_BRIDGE_IP,
  dockerHostPaths,
  removeOwnFiles,
  writeDaemonJson,
  writeWrapper,
  type DockerHostPaths,
} from './docker-files.js';

/**
 * The docker engine kind needs on this kind of host, set up by hand: no systemd, no
 * CAP_SYS_RESOURCE (hence the runc wrapper), and a local provider whose clusters must keep working
 * beside it (hence no docker iptables rules and subnets away from theirs).
 */

/** Debian packages `setup --kind` installs: the engine, the wrapper's jq, the node image's rootfs. */
export const KIND_DEBIAN_PACKAGES = ['docker.io', 'jq', 'debootstrap', 'busybox-static', 'runc'] as const;

export interface DockerInfo {
  DefaultRuntime?: string;
  Runtimes?: Record<string, { path?: string }>;
  ServerVersion?: string;
  CgroupVersion?: string;
}

/** `docker info` as JSON, or undefined when no daemon answers. */
export async function dockerInfo(): Promise<DockerInfo | undefined> {
  const result = await execa('docker', ['info', '--format', '{{json .}}'], {
    reject: false,
    timeout: 20_000,
  });
  if (result.exitCode !== 0) return undefined;
  try {
    const info = JSON.parse(result.stdout) as DockerInfo & { ServerErrors?: string[] };
    return info.ServerVersion ? info : undefined;
  } catch {
    return undefined;
  }
}

/** Why a running dockerd cannot start kind nodes here, or undefined when it runs the wrapper by default. */
export function wrapperProblem(info: DockerInfo, wrapperPath: string): string | undefined {
  const runtime = info.DefaultRuntime ? info.Runtimes?.[info.DefaultRuntime] : undefined;
  if (runtime?.path === wrapperPath) return undefined;
  return `its default runtime is ${info.DefaultRuntime ?? 'unknown'} (${runtime?.path ?? 'no path'}), not ${wrapperPath}`;
}

/** The FORWARD chain's policy (`-P FORWARD ACCEPT`), or undefined when iptables cannot say. */
export async function forwardPolicy(): Promise<string | undefined> {
  const result = await execa('iptables', ['-S', 'FORWARD'], { reject: false });
  return /^-P FORWARD (\S+)/m.exec(result.stdout)?.[1];
}

export interface DockerHost {
  paths: DockerHostPaths;
  /** True when this call started dockerd; false when a running one (with the wrapper) was reused. */
  started: boolean;
  pid?: number;
  version: string;
}

/**
 * A dockerd that starts privileged containers here: reuses one that runs the wrapper by default,
 * else writes the wrapper and daemon.json and starts dockerd in the background (log and pid file
 * under `<state>/docker/`), waits for `docker info`, and proves `docker run --privileged` works.
 */
export async function ensureDockerd(
  onProgress: (line: string) => void,
  options: { paths?: DockerHostPaths; signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<DockerHost> {
  const paths = options.paths ?? dockerHostPaths();
  const running = await dockerInfo();
  if (running) {
    const problem = wrapperProblem(running, paths.wrapper);
    if (problem)
      throw new UserError(
        `A dockerd is already running, but ${problem}, so kind's --privileged nodes would fail with "unable to apply caps"; stop it and run \`sidecar-conformance setup --kind\` again.`,
        ExitCode.missingDependency,
      );
    onProgress(`dockerd ${running.ServerVersion} is running with ${paths.wrapper} as its default runtime`);
    return { paths, started: false, pid: await ownPid(paths), version: running.ServerVersion ?? '' };
  }
  if (process.getuid?.() !== 0)
    throw new UserError(
      'Starting dockerd for kind needs root; run `sidecar-conformance setup --kind` as root.',
      ExitCode.notRoot,
    );
  for (const binary of ['dockerd', 'jq', 'runc']) {
    const found = await execa('which', [binary], { reject: false });
    if (found.exitCode !== 0)
      throw missingDependencyError(
        `${binary} is not on PATH; run \`sidecar-conformance setup --kind\` as root (it installs Debian's docker.io, jq and runc).`,
      );
  }

  const routes = parseRoutes((await execa('ip', ['-4', 'route', 'show'])).stdout);
  const conflicts = dockerRangeConflicts([DOCKER_BRIDGE_IP, DOCKER_ADDRESS_POOL.base], routes);
  if (conflicts.length > 0)
    throw new UserError(
      `docker's networks would collide with this host's (${conflicts.join('; ')}); change DOCKER_BRIDGE_IP or DOCKER_ADDRESS_POOL in lib/cluster/kind/host.ts.`,
      ExitCode.missingDependency,
    );

  await writeWrapper(paths, onProgress);
  await writeDaemonJson(paths, onProgress);
  const before = await forwardPolicy();
  await mkdir(paths.dir, { recursive: true });
  onProgress(`starting dockerd in the background; log: ${paths.log}`);
  const pid = startDockerd(paths);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const info = await poll(
    async () => {
      if (!isAlive(pid)) throw new DockerdExited();
      return dockerInfo();
    },
    { description: 'docker info to answer', timeoutMs, intervalMs: 500, signal: options.signal },
  ).catch(async (error: unknown) => {
    const tail = (await readFile(paths.log, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
    const what =
      error instanceof DockerdExited || !isAlive(pid)
        ? 'exited'
        : `did not answer within ${timeoutMs / 1000} s`;
    throw new UserError(
      `dockerd ${what}; see ${paths.log} (last lines: ${tail || 'empty'}).`,
      ExitCode.missingDependency,
      { cause: error },
    );
  });
  const problem = wrapperProblem(info, paths.wrapper);
  if (problem)
    throw new UserError(
      `dockerd started, but ${problem}; check ${paths.daemonJson} and ${paths.log}.`,
      ExitCode.missingDependency,
    );
  const after = await forwardPolicy();
  if (before !== after)
    throw new UserError(
      `Starting dockerd changed the iptables FORWARD policy from ${before} to ${after}, which cuts the local provider's pods off; restore it with \`iptables -P FORWARD ${before}\` and check "iptables": false in ${paths.daemonJson}.`,
      ExitCode.missingDependency,
    );
  onProgress(`dockerd ${info.ServerVersion} answers (pid ${pid}); iptables FORWARD policy still ${after}`);
  await checkPrivilegedRun(paths, onProgress);
  return { paths, started: true, pid, version: info.ServerVersion ?? '' };
}

class DockerdExited extends Error {}

function startDockerd(paths: DockerHostPaths): number {
  const log = openSync(paths.log, 'a');
  try {
    const child = spawn('dockerd', ['--config-file', paths.daemonJson], {
      detached: true,
      stdio: ['ignore', log, log],
    });
    if (child.pid === undefined) throw new Error('could not start dockerd');
    child.unref();
    writeFileSync(paths.pid, `${child.pid}\n`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The pid of the dockerd `setup --kind` started, while it still runs. */
async function ownPid(paths: DockerHostPaths): Promise<number | undefined> {
  const pid = Number((await readFile(paths.pid, 'utf8').catch(() => '')).trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  const comm = (await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')).trim();
  return comm === 'dockerd' ? pid : undefined;
}

/**
 * `docker run --privileged` of a one-file image (busybox-static): the step kind's node start needs,
 * and the one the wrapper exists for.
 */
async function checkPrivilegedRun(paths: DockerHostPaths, onProgress: (line: string) => void): Promise<void> {
  const image = 'localhost/sidecar-conformance/privileged-check:1';
  const dir = await mkdtemp(join(tmpdir(), 'sc-privileged-check-'));
  try {
    await mkdir(join(dir, 'bin'));
    await execa('cp', ['/bin/busybox', join(dir, 'bin', 'busybox')]);
    await execa('sh', ['-c', `tar -C '${dir}' -c . | docker import - ${image}`]);
    const run = await execa('docker', ['run', '--rm', '--privileged', image, '/bin/busybox', 'true'], {
      reject: false,
      all: true,
    });
    if (run.exitCode !== 0)
      throw new UserError(
        `\`docker run --privileged\` fails even with the wrapper (${String(run.all).trim().split('\n').at(-1)}); see ${paths.log}.`,
        ExitCode.missingDependency,
      );
    onProgress('docker run --privileged works (through the wrapper)');
  } finally {
    await execa('docker', ['rmi', image], { reject: false });
    await rm(dir, { recursive: true, force: true });
  }
}

export interface UndoResult {
  stopped?: number;
  removed: string[];
  leftAlone: string[];
}

/** Stops the dockerd `setup --kind` started and removes the wrapper and daemon.json it wrote (only ours). */
export async function undoDockerHost(
  onProgress: (line: string) => void,
  options: { paths?: DockerHostPaths; signal?: AbortSignal } = {},
): Promise<UndoResult> {
  const paths = options.paths ?? dockerHostPaths();
  const result: UndoResult = { removed: [], leftAlone: [] };
  const pid = await ownPid(paths);
  if (pid) {
    onProgress(`stopping dockerd (pid ${pid}); its containers stop with it`);
    process.kill(pid, 'SIGTERM');
    await poll(async () => (isAlive(pid) ? undefined : true), {
      description: `dockerd (pid ${pid}) to exit`,
      timeoutMs: 60_000,
      intervalMs: 500,
      signal: options.signal,
    }).catch(() => {
      throw new UserError(
        `dockerd (pid ${pid}) did not exit within 60 s of SIGTERM; see ${paths.log}.`,
        ExitCode.missingDependency,
      );
    });
    result.stopped = pid;
    await rm(paths.pid, { force: true });
  } else if (await dockerInfo()) {
    result.leftAlone.push('a dockerd this setup did not start (still running)');
  }
  const files = await removeOwnFiles(paths);
  result.removed.push(...files.removed);
  result.leftAlone.push(...files.leftAlone);
  return result;
}
