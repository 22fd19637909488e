/**
 * Issue 9's benchmark, in one run: three single-version runs one after the other, then the same
 * three versions as one warm matrix (`run --versions A,B,C --parallel 3`), each through the CLI as
 * a user runs it. Prints each wall time, the matrix over the longest single run (goal ≤ 1.5), and the
 * peak memory of the whole: the RSS of every process of the run (the harness and its children, each
 * cluster's components and containerd shims, found by the cluster's state directory on their command
 * line) sampled each second, beside the rise of the machine's used memory. With --build V it then
 * builds one more version cold into a scratch cache (the Go build and module caches stay warm).
 * The local provider (kind would need a node image per version). Asserts nothing. The versions must be built (the matrix would build them, but then it times builds).
 * Run it on a quiet machine: other clusters or builds beside it make both sides slower unevenly.
 *
 *   npm run bench:matrix                                  # seed suite on 1.35.4, 1.36.3, 1.37.2
 *   npm run bench:matrix -- --suite all --versions 1.36.3,1.37.2
 *   npm run bench:matrix -- --build 1.34.4                # plus a cold build (about 15 min)
 */
import { execa } from 'execa';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { matrixClusterName } from '../lib/cli/matrix.js';
import { ensureComponent, kubernetesSpec, releaseDate } from '../lib/cluster/local/build.js';

const { values } = parseArgs({
  options: {
    versions: { type: 'string', default: '1.35.4,1.36.3,1.37.2' },
    suite: { type: 'string', default: 'seed' },
    build: { type: 'string' },
  },
});
const versions = values.versions.split(',').map((v) => v.trim().replace(/^v/, ''));
const root = resolve(import.meta.dirname, '..');
const cli = join(root, 'bin', 'sidecar-conformance.js');

/** RSS in MiB of one process, 0 when it is gone. */
async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  return kb ? Number(kb) / 1024 : 0;
}

/** Every process: pid, parent and command line. */
async function processes(): Promise<Array<{ pid: number; ppid: number; cmdline: string }>> {
  const out: Array<{ pid: number; ppid: number; cmdline: string }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = (await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '')).replaceAll('\0', ' ');
    if (stat) out.push({ pid: Number(entry), ppid, cmdline });
  }
  return out;
}

/** The run's processes: the child's tree plus the named clusters' components and shims. */
async function runRssMb(childPid: number, clusters: string[]): Promise<number> {
  const all = await processes();
  const mine = new Set<number>([childPid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        grew = true;
      }
    }
  }
  for (const p of all) if (clusters.some((c) => p.cmdline.includes(`/clusters/${c}/`))) mine.add(p.pid);
  let total = 0;
  for (const pid of mine) total += await rssMb(pid);
  return total;
}

async function usedMb(): Promise<number> {
  const info = await readFile('/proc/meminfo', 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? 0);
  return (kb('MemTotal') - kb('MemAvailable')) / 1024;
}

interface Timed {
  label: string;
  seconds: number;
  exitCode: number;
  peakRssMb: number;
  peakRiseMb: number;
}

/** Runs the CLI with args, sampling memory each second; prints one line. */
async function timed(label: string, args: string[], clusters: string[]): Promise<Timed> {
  const baseline = await usedMb();
  const started = performance.now();
  const child = execa('node', ['--import', 'tsx', cli, ...args], {
    cwd: root,
    reject: false,
    stdout: 'ignore',
    stderr: ['pipe'],
  });
  let peakRssMb = 0;
  let peakRiseMb = 0;
  const sampler = setInterval(() => {
    void (async () => {
      if (child.pid) peakRssMb = Math.max(peakRssMb, await runRssMb(child.pid, clusters));
      peakRiseMb = Math.max(peakRiseMb, (await usedMb()) - baseline);
    })();
  }, 1000);
  child.stderr?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (/bringing up|is up|failed|: reports|verdict|matrix/.test(line)) process.stderr.write(`  ${line}\n`);
    }
  });
  const result = await child;
  clearInterval(sampler);
  const seconds = (performance.now() - started) / 1000;
  const code = result.exitCode ?? 1;
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(1).padStart(7)} s  exit ${code}  peak RSS ${peakRssMb.toFixed(0)} MiB  used memory +${peakRiseMb.toFixed(0)} MiB`,
  );
  return { label, seconds, exitCode: code, peakRssMb, peakRiseMb };
}

console.log(`matrix benchmark: suite ${values.suite}, versions ${versions.join(', ')} (binaries cached)`);
const singles: Timed[] = [];
for (const version of versions) {
  singles.push(
    await timed(
      `single run v${version}`,
      [
        'run',
        '--provider',
        'local',
        '--suite',
        values.suite,
        '--version',
        version,
        '--name',
        matrixClusterName(version),
        '--no-screenshot',
      ],
      [matrixClusterName(version)],
    ),
  );
}
const matrix = await timed(
  `matrix of ${versions.length}, all at once`,
  [
    'run',
    '--provider',
    'local',
    '--suite',
    values.suite,
    '--versions',
    versions.join(','),
    '--parallel',
    String(versions.length),
    '--no-screenshot',
  ],
  versions.map(matrixClusterName),
);
const sum = singles.reduce((s, t) => s + t.seconds, 0);
const longest = Math.max(...singles.map((t) => t.seconds));
console.log(`singles one after the other: ${sum.toFixed(1)} s; longest single ${longest.toFixed(1)} s`);
console.log(
  `matrix / longest single = ${(matrix.seconds / longest).toFixed(2)} (goal ≤ 1.5); matrix / singles' sum = ${(matrix.seconds / sum).toFixed(2)}`,
);
console.log(
  `peak memory: matrix ${matrix.peakRssMb.toFixed(0)} MiB RSS (+${matrix.peakRiseMb.toFixed(0)} MiB used), one version at most ${Math.max(...singles.map((t) => t.peakRssMb)).toFixed(0)} MiB RSS`,
);

if (values.build) {
  const version = `v${values.build.replace(/^v/, '')}`;
  const scratch = await mkdtemp(join(tmpdir(), 'sc-bench-build-'));
  console.log(`cold build of ${version} into ${scratch} (Go build and module caches warm)`);
  const started = performance.now();
  try {
    const spec = kubernetesSpec(version, await releaseDate('k8s.io/kubernetes', version));
    const { built } = await ensureComponent(spec, {
      cacheRoot: scratch,
      onProgress: (line) => process.stderr.write(`  ${line}\n`),
    });
    for (const [binary, seconds] of Object.entries(built))
      console.log(`  ${binary.padEnd(26)} ${seconds.toFixed(1)} s`);
    console.log(`build of ${version}: ${((performance.now() - started) / 60_000).toFixed(1)} min`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
