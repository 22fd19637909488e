import { createHash } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode, UserError, missingDependencyError } from '../../../errors.js';
import { pathExists } from '../../../fs.js';

/**
 * The node image's base: a Debian bookworm root filesystem from debootstrap, kept as a tar in the
 * XDG cache keyed by suite, mirror and package list, so only the first node-image build fetches
 * packages. Bookworm, not kind's trixie: its systemd 252 still boots on this host's cgroup v1
 * (256+ refuse v1 without a force flag, 258 dropped it).
 */
export const ROOTFS_SUITE = 'bookworm';

/**
 * What a kind node runs besides our own binaries: systemd as PID 1, what kubeadm, the kubelet and
 * the CNI plugins call (iptables, nftables, conntrack, iproute2, mount, socat, ethtool), Debian's
 * runc and CNI plugins for containerd, jq for the runc hook kind's files use, bash for the entrypoint.
 */
export const ROOTFS_PACKAGES = [
  'systemd',
  'systemd-sysv',
  'dbus',
  'bash',
  'ca-certificates',
  'conntrack',
  'containernetworking-plugins',
  'e2fsprogs',
  'ethtool',
  'iproute2',
  'iptables',
  'jq',
  'kmod',
  'libseccomp2',
  'mount',
  'nftables',
  'pigz',
  'procps',
  'runc',
  'socat',
  'util-linux',
] as const;

/** Bump when the rootfs steps change without the inputs changing. */
const ROOTFS_FORMAT = '1';

export interface RootfsOptions {
  cacheRoot: string;
  /** The Debian mirror; default: the first `URIs:` of the host's apt sources, else deb.debian.org. */
  mirror?: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

export function rootfsKey(mirror: string, packages: readonly string[] = ROOTFS_PACKAGES): string {
  return createHash('sha256')
    .update([ROOTFS_FORMAT, ROOTFS_SUITE, mirror, ...[...packages].sort()].join('\0'))
    .digest('hex')
    .slice(0, 16);
}

export function rootfsTarPath(cacheRoot: string, mirror: string): string {
  return join(cacheRoot, 'kind', 'rootfs', `${ROOTFS_SUITE}-${rootfsKey(mirror)}.tar`);
}

/** The first `URIs:` (deb822) or `deb URL` (one-line) mirror for Debian main in the host's apt sources. */
export function aptMirror(sources: string): string | undefined {
  for (const line of sources.split('\n')) {
    const deb822 = /^URIs:\s*(\S+)/.exec(line.trim());
    if (deb822?.[1] && !deb822[1].includes('security')) return deb822[1];
    const oneLine = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+/.exec(line.trim());
    if (oneLine?.[1] && !oneLine[1].includes('security')) return oneLine[1];
  }
  return undefined;
}

async function hostMirror(): Promise<string> {
  const { stdout } = await execa(
    'sh',
    [
      '-c',
      'cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null',
    ],
    { reject: false },
  );
  return aptMirror(stdout) ?? 'http://deb.debian.org/debian';
}

/** The cached base rootfs tar; runs debootstrap first when there is none (a few minutes). */
export async function ensureRootfs(
  options: RootfsOptions,
): Promise<{ tar: string; built: boolean; seconds: number }> {
  const mirror = options.mirror ?? (await hostMirror());
  const tar = rootfsTarPath(options.cacheRoot, mirror);
  if (await pathExists(tar)) return { tar, built: false, seconds: 0 };
  const progress = options.onProgress ?? (() => {});
  if (!(await pathExists('/usr/sbin/debootstrap')))
    throw missingDependencyError(
      "debootstrap is not installed; run `sidecar-conformance setup --kind` as root (it installs Debian's debootstrap).",
    );
  const started = Date.now();
  const dir = join(options.cacheRoot, 'kind', 'rootfs', `.build-${process.pid}`);
  const log = join(options.cacheRoot, 'kind', 'rootfs', 'debootstrap.log');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  progress(`debootstrap ${ROOTFS_SUITE} from ${mirror} (${ROOTFS_PACKAGES.length} packages); log: ${log}`);
  const ticker = setInterval(
    () => progress(`debootstrap: ${Math.round((Date.now() - started) / 1000)} s`),
    30_000,
  );
  try {
    const run = await execa(
      'nice',
      [
        '-n',
        '10',
        'debootstrap',
        '--variant=minbase',
        `--include=${ROOTFS_PACKAGES.join(',')}`,
        ROOTFS_SUITE,
        dir,
        mirror,
      ],
      { all: true, reject: false, cancelSignal: options.signal, env: { DEBIAN_FRONTEND: 'noninteractive' } },
    );
    await execa('sh', ['-c', `cat > '${log}'`], { input: String(run.all ?? '') });
    if (run.exitCode !== 0) {
      const last = String(run.all ?? '')
        .trim()
        .split('\n')
        .at(-1);
      throw new UserError(
        `debootstrap ${ROOTFS_SUITE} from ${mirror} failed (${last}); see ${log} and ${join(dir, 'debootstrap', 'debootstrap.log')}.`,
        ExitCode.missingDependency,
      );
    }
    // apt's package lists and downloaded .debs are not needed on a node.
    await execa('sh', ['-c', `rm -rf '${dir}'/var/cache/apt/archives/*.deb '${dir}'/var/lib/apt/lists/*`]);
    const partial = `${tar}.partial-${process.pid}`;
    await execa('tar', ['--numeric-owner', '--xattrs', '-C', dir, '-cf', partial, '.']);
    await rename(partial, tar);
  } finally {
    clearInterval(ticker);
    await rm(dir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  progress(`base rootfs ready in ${seconds.toFixed(0)} s: ${tar}`);
  return { tar, built: true, seconds };
}
