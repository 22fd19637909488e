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

/** Names of every network device on the host. */
export async function linkNames(): Promise<Set<string>> {
  const { stdout } = await execa('ip', ['-o', 'link', 'show'], { reject: false });
  return new Set(
    stdout
      .split('\n')
      .map((line) => /^\d+:\s+([^@:\s]+)/.exec(line)?.[1])
      .filter((n): n is string => Boolean(n)),
  );
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
  const reads = ['iptables', 'ip6tables'].flatMap((tool) =>
    IPTABLES_TABLES.map(async (table) => {
      const result = await execa(tool, ['-w', '-t', table, '-S'], { reject: false });
      return [
        `${tool} ${table}`,
        result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean) : undefined,
      ] as const;
    }),
  );
  for (const [key, rules] of await Promise.all(reads)) if (rules) snapshot[key] = rules;
  return snapshot;
}

/** Notes the host's iptables rules before the cluster starts (kept from the first `up` until `down`). */
export async function recordIptables(path: string): Promise<void> {
  if (!(await pathExists(path))) await writeFile(path, JSON.stringify(await iptablesRules()));
}

/** What marks an iptables rule as one cluster's: its bridge, its pod addresses, its CNI network. */
export interface IptablesScope {
  bridge: string;
  podSubnet: string;
  networkName: string;
  /** A comment we would put on any rule we add ourselves (`sidecar-conformance:<name>`). */
  marker: string;
}

const ipv4ToInt = (ip: string): number | undefined => {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return (((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0) as number;
};

/** Whether an address or CIDR lies wholly inside `subnet` (IPv4 only). */
export function insideSubnet(address: string, subnet: string): boolean {
  const [net = '', bitsText = '32'] = subnet.split('/');
  const [ip = '', ownBitsText = '32'] = address.split('/');
  const bits = Number(bitsText);
  const ownBits = Number(ownBitsText);
  const a = ipv4ToInt(ip);
  const n = ipv4ToInt(net);
  if (a === undefined || n === undefined || ownBits < bits) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (n & mask) >>> 0;
}

/** Splits `iptables -S` output into words, keeping quoted comments (with their \" escapes) whole. */
function ruleWords(rule: string): string[] {
  return rule.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

/**
 * Whether a rule (`iptables -S` form) is this cluster's: it names our bridge as its in or out
 * interface, matches addresses of our pod subnet, or carries our CNI network's comment
 * (`name: "<network>" id: "<container>"`, as CNI plugins write it) or our own marker.
 */
export function ruleIsOurs(rule: string, scope: IptablesScope): boolean {
  const words = ruleWords(rule);
  for (let i = 0; i < words.length - 1; i++) {
    const flag = words[i];
    const value = words[i + 1]!;
    if ((flag === '-i' || flag === '-o') && value === scope.bridge) return true;
    if ((flag === '-s' || flag === '-d') && insideSubnet(value, scope.podSubnet)) return true;
    if (flag === '--comment') {
      const comment = value.replace(/^"|"$/g, '').replace(/\\"/g, '"');
      if (comment.includes(`name: "${scope.networkName}"`) || comment.split(/\s+/).includes(scope.marker)) {
        return true;
      }
    }
  }
  return false;
}

/** `iptables -D …` arguments for a rule in `-S` form, its quoted words unquoted. */
export function deleteArgs(rule: string): string[] {
  return ruleWords(rule.replace(/^-A /, '-D ')).map((w) =>
    w.startsWith('"') && w.endsWith('"') ? w.slice(1, -1).replace(/\\"/g, '"') : w,
  );
}

const jumpTarget = (rule: string): string | undefined => {
  const words = ruleWords(rule);
  const at = words.findIndex((w) => w === '-j' || w === '-g');
  return at >= 0 ? words[at + 1] : undefined;
};
const chainOf = (rule: string): string | undefined => ruleWords(rule)[1];

/**
 * Of the rules and chains that appeared in one table since `up` (`now` minus `before`), those that
 * are this cluster's: rules by ruleIsOurs, and new chains that only our rules jump to (CNI's
 * per-container chains). Everything else — rules of other clusters, of other programs — stays.
 */
export function ourIptablesChanges(
  before: string[],
  now: string[],
  scope: IptablesScope,
): { rules: string[]; chains: string[] } {
  const had = new Set(before);
  const added = now.filter((r) => !had.has(r));
  const ours = new Set(added.filter((r) => r.startsWith('-A ') && ruleIsOurs(r, scope)));
  const newChains = added.filter((r) => r.startsWith('-N ')).map((r) => r.slice(3).trim());
  const chains = newChains.filter((chain) => {
    const jumpers = now.filter((r) => r.startsWith('-A ') && chainOf(r) !== chain && jumpTarget(r) === chain);
    return jumpers.length > 0 && jumpers.every((r) => ours.has(r));
  });
  const chainSet = new Set(chains);
  // Rules inside our chains go with the flush of those chains.
  const rules = [...ours].filter((r) => !chainSet.has(chainOf(r) ?? ''));
  return { rules, chains };
}

/**
 * Removes this cluster's rules and chains that appeared since `recordIptables` (ourIptablesChanges);
 * leaves every other rule alone, also those other clusters added meanwhile.
 */
export async function restoreIptables(path: string, scope: IptablesScope): Promise<string[]> {
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
    const changes = ourIptablesChanges(before[key] ?? [], rules, scope);
    // Rules first (they may jump to our chains), then the chains: all flushed, then all deleted.
    for (const rule of changes.rules) {
      await execa(tool, ['-w', '-t', table, ...deleteArgs(rule)], { reject: false });
      removed.push(`${tool} -t ${table} ${rule}`);
    }
    for (const chain of changes.chains)
      await execa(tool, ['-w', '-t', table, '-F', chain], { reject: false });
    for (const chain of changes.chains) {
      await execa(tool, ['-w', '-t', table, '-X', chain], { reject: false });
      removed.push(`${tool} -t ${table} -N ${chain}`);
    }
  }
  return removed;
}
