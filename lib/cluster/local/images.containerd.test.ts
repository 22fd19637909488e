import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAUSE_IMAGE, TEST_IMAGE } from '../../config.js';
import { poll } from '../../wait.js';
import { ensureImageArchives, importImage, listImages } from './images.js';
import { killAll, pidsMentioning, startDaemon, stopDaemon } from './processes.js';

/**
 * Imports the two archives into a private containerd (Debian's 1.6: own root, state and socket
 * under a temporary directory, CRI off so it touches no network) and runs the test image with
 * ctr. Needs root and the Debian packages containerd, runc, gcc, libc6-dev and busybox-static.
 */

const CONTAINERD = '/usr/bin/containerd';
const CTR = '/usr/bin/ctr';
const needed = [CONTAINERD, CTR, '/usr/sbin/runc', '/usr/bin/gcc', '/bin/busybox'];
const runnable = process.getuid?.() === 0 && needed.every((path) => existsSync(path));

describe.skipIf(!runnable)('image archives in a private containerd', () => {
  let dir = '';
  let socket = '';
  let cgroupParent = '';
  let archives: { pause: string; test: string };
  const runDirExisted = existsSync('/run/containerd');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'images-containerd-'));
    socket = join(dir, 'containerd.sock');
    cgroupParent = `sidecar-conformance-${basename(dir)}`;
    const config = join(dir, 'config.toml');
    await writeFile(
      config,
      [
        'version = 2',
        `root = "${dir}/root"`,
        `state = "${dir}/state"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${socket}"`,
        // Defaults to /opt/containerd otherwise.
        '[plugins."io.containerd.internal.v1.opt"]',
        `  path = "${dir}/opt"`,
        '',
      ].join('\n'),
    );
    startDaemon({
      name: 'containerd',
      binary: CONTAINERD,
      args: ['--config', config],
      logPath: join(dir, 'containerd.log'),
      pidPath: join(dir, 'containerd.pid'),
    });
    await poll(
      async () =>
        (await execa(CTR, ['--address', socket, 'version'], { reject: false })).exitCode === 0
          ? true
          : undefined,
      {
        description: `containerd to serve ${socket}`,
        timeoutMs: 30_000,
        intervalMs: 100,
        diagnostics: async () =>
          (await readFile(join(dir, 'containerd.log'), 'utf8').catch(() => '')).slice(-2000),
      },
    );
    archives = await ensureImageArchives(join(dir, 'cache'));
  }, 120_000);

  afterAll(async () => {
    if (!dir) return;
    // A container still running after a failure is found by its cgroup, not its command line.
    await killAll(await cgroupMembers(cgroupParent));
    await stopDaemon(join(dir, 'containerd.pid'));
    // Shims run in their own process groups; their command lines name our socket (and a
    // containerd that ignored SIGTERM, its config path).
    await killAll(await pidsMentioning(dir));
    await unmountUnder(dir);
    await removeCgroups(cgroupParent);
    // Shim sockets live in /run/containerd/s whatever the config says, and a killed shim leaves
    // its socket behind: containerd 1.6 names it sha256(<containerd socket>/<namespace>/<id>).
    // Only ours is removed: another containerd on this machine may be using the directory.
    await rm(join('/run/containerd/s', sha256(join(socket, 'k8s.io', 't1'))), { force: true });
    if (!runDirExisted) {
      await rmdir('/run/containerd/s').catch(() => undefined);
      await rmdir('/run/containerd').catch(() => undefined);
    }
    await rm(dir, { recursive: true, force: true });
    expect(await pidsMentioning(dir), 'processes left running').toEqual([]);
  }, 60_000);

  it('names both imported images with their full references', async () => {
    await importImage(CTR, socket, archives.pause);
    await importImage(CTR, socket, archives.test);
    expect(await listImages(CTR, socket)).toEqual([TEST_IMAGE, PAUSE_IMAGE].sort());

    // Each name points at the manifest the archive's index.json lists.
    const { stdout } = await execa(CTR, ['--address', socket, '-n', 'k8s.io', 'images', 'list']);
    for (const [reference, archive] of [
      [PAUSE_IMAGE, archives.pause],
      [TEST_IMAGE, archives.test],
    ] as const) {
      const index = JSON.parse((await execa('tar', ['-xOf', archive, 'index.json'])).stdout) as {
        manifests: Array<{ digest: string }>;
      };
      const row = stdout.split('\n').find((line) => line.startsWith(`${reference} `));
      expect(row?.split(/\s+/)[2]).toBe(index.manifests[0]?.digest);
    }
  }, 60_000);

  // Plain `ctr run` asks for no CAP_SYS_RESOURCE and no oom_score_adj, so the VM's missing
  // capability does not get in the way; runc state, FIFOs and the cgroup stay in places we remove.
  it('runs the test image: sh, echo and date work', async () => {
    await mkdir(join(dir, 'fifo'), { recursive: true });
    const result = await execa(
      CTR,
      [
        ...['--address', socket, '-n', 'k8s.io', 'run', '--rm'],
        ...['--fifo-dir', join(dir, 'fifo'), '--runc-root', join(dir, 'runc')],
        ...['--cgroup', `/${cgroupParent}/t1`],
        ...[TEST_IMAGE, 't1', 'sh', '-c', 'echo hi; date'],
      ],
      { reject: false, all: true, timeout: 60_000 },
    );
    expect(result.exitCode, `${result.timedOut ? 'ctr run timed out; ' : ''}${result.all}`).toBe(0);
    expect(result.stdout).toMatch(/^hi\n\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \w+ \d{4}$/);
  }, 60_000);
});

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Unmounts whatever is still mounted under `root`, deepest first. */
async function unmountUnder(root: string): Promise<void> {
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .map((field) =>
      field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))),
    )
    .filter((point) => point === root || point.startsWith(`${root}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    const { exitCode } = await execa('umount', [point], { reject: false });
    if (exitCode !== 0) await execa('umount', ['--lazy', point], { reject: false });
  }
}

/** `/sys/fs/cgroup` itself (cgroup v2) and each v1 hierarchy mounted below it. */
async function cgroupRoots(): Promise<string[]> {
  const names = await readdir('/sys/fs/cgroup').catch(() => []);
  return ['/sys/fs/cgroup', ...names.map((name) => `/sys/fs/cgroup/${name}`)];
}

async function cgroupMembers(parent: string): Promise<number[]> {
  const pids = new Set<number>();
  for (const root of await cgroupRoots()) {
    const procs = await readFile(join(root, parent, 't1', 'cgroup.procs'), 'utf8').catch(() => '');
    for (const line of procs.split('\n')) if (line.trim() !== '') pids.add(Number(line));
  }
  return [...pids];
}

/** Removes the container's cgroup and its parent from every mounted hierarchy (v1 and v2). */
async function removeCgroups(parent: string): Promise<void> {
  for (const root of await cgroupRoots()) {
    await rmdir(join(root, parent, 't1')).catch(() => undefined);
    await rmdir(join(root, parent)).catch(() => undefined);
  }
}
