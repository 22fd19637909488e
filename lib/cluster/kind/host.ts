import { closeSync, openSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { stateDir } from '../../config.js';
import { ExitCode, UserError, missingDependencyError } from '../../errors.js';
import { poll } from '../../wait.js';
import { isAlive } from '../local/processes.js';
import { dockerRangeConflicts, parseRoutes } from './cidr.js';
import { DEFAULT_WRAPPER_PATH, WRAPPER_MARK, WRAPPER_RUNTIME, runcWrapperScript } from './runc-wrapper.js';

/**
 * The docker engine kind needs on this kind of host, set up by hand: no systemd, no
 * CAP_SYS_RESOURCE (hence the runc wrapper), and a local provider whose clusters must keep working
 * beside it (hence no docker iptables rules and subnets away from theirs).
 */

/** Debian packages `setup --kind` installs: the engine, the wrapper's jq, the node image's rootfs. */
export const KIND_DEBIAN_PACKAGES = ['docker.io', 'jq', 'debootstrap', 'busybox-static', 'runc'] as const;

/**
 * docker0 and the pool kind's own network comes from. The local provider uses 10.244.N.0/24 and
 * 10.(96+N).0.0/16; docker's default 172.17.0.0/16 and pools would not collide with those, but fixed
 * values make the check below meaningful and leave 172.17–28 to whatever else the host runs.
 */
export const DOCKER_BRIDGE_IP = '172.29.0.1/24';
export const DOCKER_ADDRESS_POOL = { base: '172.30.0.0/16', size: 24 } as const;

export interface DockerHostPaths {
  wrapper: string;
  daemonJson: string;
  /** `<state>/docker`: dockerd.log, dockerd.pid, and a copy of the daemon.json we wrote. */
  dir: string;
  log: string;
  pid: string;
  ownDaemonJson: string;
}

export function dockerHostPaths(state = stateDir()): DockerHostPaths {
  const dir = join(state, 'docker');
  return {
    wrapper: DEFAULT_WRAPPER_PATH,
    daemonJson: '/etc/docker/daemon.json',
    dir,
    log: join(dir, 'dockerd.log'),
    pid: join(dir, 'dockerd.pid'),
    ownDaemonJson: join(dir, 'daemon.json.written'),
  };
}

export function daemonConfig(wrapperPath: string): Record<string, unknown> {
  return {
    runtimes: { [WRAPPER_RUNTIME]: { path: wrapperPath } },
    'default-runtime': WRAPPER_RUNTIME,
    // No NAT or FORWARD rules: the local provider's bridges and pods need the host's FORWARD policy
    // as it is (docker would set it to DROP). kind's nodes need no outbound NAT (nothing is pulled),
    // and published ports (the API server's) go through docker-proxy, which needs no iptables.
    iptables: false,
    'ip-masq': false,
    bip: DOCKER_BRIDGE_IP,
    'default-address-pools': [DOCKER_ADDRESS_POOL],
    'storage-driver': 'overlay2',
    // systemd is not PID 1 on the host.
    'exec-opts': ['native.cgroupdriver=cgroupfs'],
  };
}

export const daemonJsonText = (wrapperPath: string): string =>
  `${JSON.stringify(daemonConfig(wrapperPath), null, 2)}\n`;

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

async function writeWrapper(paths: DockerHostPaths, onProgress: (line: string) => void): Promise<void> {
  const realRunc = (await execa('which', ['runc'])).stdout.trim();
  const jq = (await execa('which', ['jq'])).stdout.trim();
  const text = runcWrapperScript({ realRunc, jq });
  const existing = await readFile(paths.wrapper, 'utf8').catch(() => undefined);
  if (existing === text) return;
  if (existing !== undefined && !isOurWrapper(existing))
    throw new UserError(
      `${paths.wrapper} exists and was not written by sidecar-conformance; move it away and run setup --kind again.`,
      ExitCode.missingDependency,
    );
  await writeFile(paths.wrapper, text);
  await chmod(paths.wrapper, 0o755);
  onProgress(`wrote the runc wrapper ${paths.wrapper} (drops CAP_SYS_RESOURCE, then runs ${realRunc})`);
}

async function writeDaemonJson(paths: DockerHostPaths, onProgress: (line: string) => void): Promise<void> {
  const text = daemonJsonText(paths.wrapper);
  const existing = await readFile(paths.daemonJson, 'utf8').catch(() => undefined);
  if (existing === text) return;
  if (existing !== undefined && !(await isOurDaemonJson(paths, existing)))
    throw new UserError(
      `${paths.daemonJson} exists and was not written by sidecar-conformance; add ${JSON.stringify({ runtimes: daemonConfig(paths.wrapper).runtimes, 'default-runtime': WRAPPER_RUNTIME, iptables: false })} to it yourself, or move it away, and run setup --kind again.`,
      ExitCode.missingDependency,
    );
  await mkdir(join(paths.daemonJson, '..'), { recursive: true });
  await mkdir(paths.dir, { recursive: true });
  await writeFile(paths.daemonJson, text);
  await writeFile(paths.ownDaemonJson, text);
  onProgress(
    `wrote ${paths.daemonJson} (default runtime ${WRAPPER_RUNTIME}, iptables false, bridge ${DOCKER_BRIDGE_IP})`,
  );
}

const isOurWrapper = (text: string): boolean =>
  text
    .split('\n')
    .slice(0, 3)
    .some((l) => l.startsWith(WRAPPER_MARK));

async function isOurDaemonJson(paths: DockerHostPaths, text: string): Promise<boolean> {
  return (await readFile(paths.ownDaemonJson, 'utf8').catch(() => undefined)) === text;
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
  const wrapper = await readFile(paths.wrapper, 'utf8').catch(() => undefined);
  if (wrapper !== undefined && isOurWrapper(wrapper)) {
    await rm(paths.wrapper, { force: true });
    result.removed.push(paths.wrapper);
  } else if (wrapper !== undefined) result.leftAlone.push(`${paths.wrapper} (not ours)`);
  const daemonJson = await readFile(paths.daemonJson, 'utf8').catch(() => undefined);
  if (daemonJson !== undefined && (await isOurDaemonJson(paths, daemonJson))) {
    await rm(paths.daemonJson, { force: true });
    await rm(paths.ownDaemonJson, { force: true });
    result.removed.push(paths.daemonJson);
  } else if (daemonJson !== undefined) result.leftAlone.push(`${paths.daemonJson} (not ours)`);
  return result;
}
