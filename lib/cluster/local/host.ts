import { access, mkdir, readFile, readdir, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { pathExists } from '../../fs.js';

/**
 * What the local cluster changes on the host besides its own directory — cgroups, mounts, a bridge,
 * iptables rules — found by names and paths that are ours alone, so `down` removes exactly that.
 */

interface MountInfo {
  mountPoint: string;
  fsType: string;
  superOptions: string;
}

async function mountInfo(): Promise<MountInfo[]> {
  const text = await readFile('/proc/self/mountinfo', 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [left = '', right = ''] = line.split(' - ');
      const fields = left.split(' ');
      const [fsType = '', , superOptions = ''] = right.split(' ');
      // mountinfo escapes spaces and other bytes as octal (\040).
      const mountPoint = (fields[4] ?? '').replace(/\\(\d{3})/g, (_, o: string) =>
        String.fromCharCode(parseInt(o, 8)),
      );
      return { mountPoint, fsType, superOptions };
    });
}

/** Mount points at or below `dir`, deepest first. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return (await mountInfo())
    .map((m) => m.mountPoint)
    .filter((p) => p === dir || p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

export async function unmountAll(dir: string): Promise<string[]> {
  const left: string[] = [];
  for (let round = 0; round < 3; round++) {
    const mounts = await mountsUnder(dir);
    if (mounts.length === 0) return [];
    for (const mount of mounts) {
      const result = await execa('umount', [mount], { reject: false });
      if (result.exitCode !== 0) await execa('umount', ['-l', mount], { reject: false });
    }
  }
  left.push(...(await mountsUnder(dir)));
  return left;
}

/** Every cgroup hierarchy mounted on the host (v1 controllers and the v2 unified tree). */
export async function cgroupMounts(): Promise<string[]> {
  return (await mountInfo())
    .filter((m) => m.fsType === 'cgroup' || m.fsType === 'cgroup2')
    .map((m) => m.mountPoint);
}

export async function isCgroupV1(): Promise<boolean> {
  return !(await access('/sys/fs/cgroup/cgroup.controllers').then(
    () => true,
    () => false,
  ));
}

/** Creates our cgroup root (the kubelet's cgroupRoot) in every hierarchy; the kubelet wants it to exist. */
export async function createCgroupRoot(cgroupRoot: string): Promise<void> {
  for (const mount of await cgroupMounts()) {
    await mkdir(join(mount, cgroupRoot), { recursive: true }).catch(() => undefined);
  }
}

async function cgroupDirs(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const nested = await Promise.all(
    entries.filter((e) => e.isDirectory()).map((e) => cgroupDirs(join(dir, e.name))),
  );
  return [...nested.flat(), dir];
}

/** Pids of every process in our cgroup subtree: pod processes, whatever started them. */
export async function pidsInCgroupRoot(cgroupRoot: string): Promise<number[]> {
  const pids = new Set<number>();
  for (const mount of await cgroupMounts()) {
    for (const dir of await cgroupDirs(join(mount, cgroupRoot))) {
      const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
      for (const line of procs.split('\n')) if (line.trim()) pids.add(Number(line));
    }
  }
  return [...pids];
}

/** Removes our cgroup subtree, deepest first (only empty cgroups can go). */
export async function removeCgroupRoot(cgroupRoot: string): Promise<void> {
  for (const mount of await cgroupMounts()) {
    const root = join(mount, cgroupRoot);
    for (const dir of await cgroupDirs(root)) await rmdir(dir).catch(() => undefined);
  }
}

export async function linkExists(name: string): Promise<boolean> {
  const result = await execa('ip', ['link', 'show', 'dev', name], { reject: false });
  return result.exitCode === 0;
}

/** Our bridge with the node address on it: the kubelet listens there and the bridge plugin reuses it. */
export async function ensureBridge(name: string, addressCidr: string): Promise<void> {
  if (!(await linkExists(name))) await execa('ip', ['link', 'add', name, 'type', 'bridge']);
  const { stdout } = await execa('ip', ['-o', 'addr', 'show', 'dev', name]);
  if (!stdout.includes(` ${addressCidr} `)) await execa('ip', ['addr', 'add', addressCidr, 'dev', name]);
  await execa('ip', ['link', 'set', name, 'up']);
}

/** Deletes the bridge and any veth still attached to it. */
export async function deleteBridge(name: string): Promise<void> {
  if (!(await linkExists(name))) return;
  const { stdout } = await execa('ip', ['-o', 'link', 'show', 'master', name], { reject: false });
  for (const line of stdout.split('\n')) {
    const device = /^\d+:\s+([^@:\s]+)/.exec(line)?.[1];
    if (device) await execa('ip', ['link', 'del', device], { reject: false });
  }
  await execa('ip', ['link', 'del', name], { reject: false });
}

const IPTABLES_TABLES = ['filter', 'nat', 'mangle'] as const;
type RuleSnapshot = Record<string, string[]>;

async function iptablesRules(): Promise<RuleSnapshot> {
  const snapshot: RuleSnapshot = {};
  for (const tool of ['iptables', 'ip6tables']) {
    for (const table of IPTABLES_TABLES) {
      const result = await execa(tool, ['-w', '-t', table, '-S'], { reject: false });
      if (result.exitCode === 0) snapshot[`${tool} ${table}`] = result.stdout.split('\n').filter(Boolean);
    }
  }
  return snapshot;
}

/** Notes the host's iptables rules before the cluster starts (kept from the first `up` until `down`). */
export async function recordIptables(path: string): Promise<void> {
  if (!(await pathExists(path))) await writeFile(path, JSON.stringify(await iptablesRules()));
}

/** Removes rules and chains that appeared since `recordIptables`; leaves every other rule alone. */
export async function restoreIptables(path: string): Promise<string[]> {
  let before: RuleSnapshot;
  try {
    before = JSON.parse(await readFile(path, 'utf8')) as RuleSnapshot;
  } catch {
    return [];
  }
  const removed: string[] = [];
  const now = await iptablesRules();
  for (const [key, rules] of Object.entries(now)) {
    const [tool = 'iptables', table = 'filter'] = key.split(' ');
    const had = new Set(before[key] ?? []);
    const added = rules.filter((r) => !had.has(r));
    // Rules first (they may jump to new chains), then the chains.
    for (const rule of added.filter((r) => r.startsWith('-A '))) {
      const args = rule.replace(/^-A /, '-D ').match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
      await execa(tool, ['-w', '-t', table, ...args.map((a) => a.replace(/^"|"$/g, ''))], { reject: false });
      removed.push(`${tool} -t ${table} ${rule}`);
    }
    for (const rule of added.filter((r) => r.startsWith('-N '))) {
      const chain = rule.slice(3).trim();
      await execa(tool, ['-w', '-t', table, '-F', chain], { reject: false });
      await execa(tool, ['-w', '-t', table, '-X', chain], { reject: false });
      removed.push(`${tool} -t ${table} ${rule}`);
    }
  }
  return removed;
}
