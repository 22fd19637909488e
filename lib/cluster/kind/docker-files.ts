import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { stateDir } from '../../config.js';
import { ExitCode, UserError } from '../../errors.js';
import { DEFAULT_WRAPPER_PATH, WRAPPER_MARK, WRAPPER_RUNTIME, runcWrapperScript } from './runc-wrapper.js';

/**
 * The two host files `setup --kind` writes (the runc wrapper and /etc/docker/daemon.json) and
 * where it keeps dockerd's log and pid. Each is written only over nothing or over our own earlier
 * copy, and `--undo` removes only what is still ours.
 */

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

export async function writeWrapper(
  paths: DockerHostPaths,
  onProgress: (line: string) => void,
): Promise<void> {
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

export async function writeDaemonJson(
  paths: DockerHostPaths,
  onProgress: (line: string) => void,
): Promise<void> {
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

export const isOurWrapper = (text: string): boolean =>
  text
    .split('\n')
    .slice(0, 3)
    .some((l) => l.startsWith(WRAPPER_MARK));

export async function isOurDaemonJson(paths: DockerHostPaths, text: string): Promise<boolean> {
  return (await readFile(paths.ownDaemonJson, 'utf8').catch(() => undefined)) === text;
}

/** Removes the wrapper and daemon.json when they are still ours; says what it removed and left. */
export async function removeOwnFiles(
  paths: DockerHostPaths,
): Promise<{ removed: string[]; leftAlone: string[] }> {
  const result = { removed: [] as string[], leftAlone: [] as string[] };
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
