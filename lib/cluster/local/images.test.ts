import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AGNHOST_IMAGE, PAUSE_IMAGE, TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import {
  REQUIRED_APPLETS,
  agnhostImageSpec,
  buildPauseBinary,
  ensureAgnhostArchive,
  ensureImageArchives,
  importImage,
  isStaticExecutable,
  listImages,
  pauseImageSpec,
  testImageSpec,
} from './images.js';

const hasGcc = existsSync('/usr/bin/gcc');
const hasBusybox = existsSync('/bin/busybox');
const isRoot = process.getuid?.() === 0;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'images-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in for ctr that prints `output` and exits with `code`. */
async function fakeCtr(output: string, code: number): Promise<string> {
  const path = join(dir, 'ctr');
  await writeFile(path, `#!/bin/sh\necho "$*" > "${dir}/args"\nprintf '%s' '${output}'\nexit ${code}\n`);
  await chmod(path, 0o755);
  return path;
}

describe('pauseImageSpec', () => {
  it('is /pause alone, run as the entrypoint', () => {
    const spec = pauseImageSpec(Buffer.from('binary'));
    expect(spec.reference).toBe(PAUSE_IMAGE);
    expect(spec.entrypoint).toEqual(['/pause']);
    expect(spec.entries).toEqual([
      { type: 'file', path: 'pause', mode: 0o755, content: Buffer.from('binary') },
    ]);
  });
});

describe.skipIf(!hasBusybox)('testImageSpec', () => {
  it('links every applet the scenarios use to a static busybox, with root, /tmp and PATH=/bin', async () => {
    const spec = await testImageSpec();
    expect(spec.reference).toBe(TEST_IMAGE);
    expect(spec.env).toEqual(['PATH=/bin']);
    expect(spec.entrypoint).toBeUndefined();
    expect(spec.cmd).toBeUndefined();
    const byPath = new Map(spec.entries.map((entry) => [entry.path, entry]));
    const busybox = byPath.get('bin/busybox');
    expect(busybox?.type === 'file' && isStaticExecutable(busybox.content)).toBe(true);
    for (const applet of REQUIRED_APPLETS) {
      expect(byPath.get(`bin/${applet}`), applet).toEqual({
        type: 'symlink',
        path: `bin/${applet}`,
        target: 'busybox',
      });
    }
    expect(byPath.get('tmp')).toEqual({ type: 'directory', path: 'tmp', mode: 0o1777 });
    const passwd = byPath.get('etc/passwd');
    expect(passwd?.type === 'file' && passwd.content.toString()).toMatch(/^root:x:0:0:/);
    expect(byPath.has('etc/group')).toBe(true);
  });

  it('names busybox-static when the binary is missing or dynamic', async () => {
    await expect(testImageSpec(join(dir, 'nope'))).rejects.toThrow(/busybox-static/);
    await expect(testImageSpec(process.execPath)).rejects.toThrow(/not a static executable.*busybox-static/);
  });
});

describe('isStaticExecutable', () => {
  it('tells a static ELF from a dynamic one and from non-ELF data', async () => {
    expect(isStaticExecutable(await readFile(process.execPath))).toBe(false);
    expect(isStaticExecutable(Buffer.from('#!/bin/sh\n'.padEnd(100)))).toBe(false);
    if (hasBusybox) expect(isStaticExecutable(await readFile('/bin/busybox'))).toBe(true);
  });
});

describe.skipIf(!hasGcc)('buildPauseBinary', () => {
  it('builds a static pause that sleeps until SIGTERM or SIGINT, then exits 0', async () => {
    const pause = await buildPauseBinary(dir);
    expect(isStaticExecutable(await readFile(pause))).toBe(true);
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const child = spawn(pause, { stdio: 'ignore' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(child.exitCode, 'still running before the signal').toBeNull();
      child.kill(signal);
      const [code, killedBy] = (await once(child, 'exit')) as [number | null, string | null];
      expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
    }
  });

  // Orphans in a pod's PID namespace are re-parented to pause, which must wait() for them.
  it.skipIf(!isRoot || !hasBusybox)(
    'reaps orphans re-parented to it as PID 1',
    async () => {
      const pause = await buildPauseBinary(dir);
      // unshare itself ignores SIGTERM while it waits, so the signal goes to pause directly.
      const init = spawn('unshare', ['--pid', '--kill-child', pause], { stdio: 'ignore' });
      let pausePid: number | undefined;
      try {
        pausePid = await childOf(init.pid ?? -1);
        // `sh` starts a short sleep in the background and exits: the sleep is orphaned to pause.
        await execa('nsenter', [
          '--target',
          String(pausePid),
          '--pid',
          '--',
          '/bin/busybox',
          'sh',
          '-c',
          '/bin/busybox sleep 0.2 & exit 0',
        ]);
        await new Promise((resolve) => setTimeout(resolve, 800));
        expect(await childrenOf(pausePid)).toEqual([]);
      } finally {
        if (pausePid !== undefined) process.kill(pausePid, 'SIGTERM');
        else init.kill('SIGKILL');
        await once(init, 'exit');
      }
    },
    20_000,
  );
});

async function childrenOf(pid: number): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    if (new RegExp(`^PPid:\\s+${pid}$`, 'm').test(status)) {
      found.push(`${entry} ${/^State:\s+(.*)$/m.exec(status)?.[1] ?? '?'}`);
    }
  }
  return found;
}

async function childOf(pid: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [child] = await childrenOf(pid);
    if (child) return Number(child.split(' ')[0]);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no child of ${pid} appeared`);
}

describe.skipIf(!hasGcc || !hasBusybox)('ensureImageArchives', () => {
  it('writes the archives once, named by content, and reuses them afterwards', async () => {
    const progress: string[] = [];
    const first = await ensureImageArchives(dir, (line) => progress.push(line));
    expect(first.pause).toMatch(new RegExp(`^${dir}/images/pause-[0-9a-f]{16}\\.oci\\.tar$`));
    expect(first.test).toMatch(new RegExp(`^${dir}/images/busybox-[0-9a-f]{16}\\.oci\\.tar$`));
    expect(first.testB).toMatch(new RegExp(`^${dir}/images/busybox-b-[0-9a-f]{16}\\.oci\\.tar$`));
    expect(progress).toHaveLength(3);
    const written = (await stat(first.test)).mtimeMs;

    const again: string[] = [];
    expect(await ensureImageArchives(dir, (line) => again.push(line))).toEqual(first);
    expect(again).toEqual([]);
    expect((await stat(first.test)).mtimeMs).toBe(written);
    // Nothing but the archives is left behind (no build directories, no partial files).
    expect((await readdir(join(dir, 'images'))).sort()).toEqual(
      [first.pause, first.test, first.testB].map((path) => path.slice(`${dir}/images/`.length)).sort(),
    );
  });

  it('writes TEST_IMAGE_B as the test image under a second name: the same manifest, only the name differs', async () => {
    const { test, testB } = await ensureImageArchives(dir);
    const index = async (path: string) => {
      const { stdout } = await execa('tar', ['-xOf', path, 'index.json']);
      return JSON.parse(stdout) as {
        manifests: Array<{ digest: string; annotations: Record<string, string> }>;
      };
    };
    const [a, b] = [(await index(test)).manifests, (await index(testB)).manifests];
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(1);
    expect(b[0]?.digest).toBe(a[0]?.digest);
    expect(a[0]?.annotations['io.containerd.image.name']).toBe(TEST_IMAGE);
    expect(b[0]?.annotations['io.containerd.image.name']).toBe(TEST_IMAGE_B);
  });
});

// Any static ELF stands in for agnhost here; busybox-static is one this machine has.
describe.skipIf(!hasBusybox)('the agnhost image', () => {
  it('is the static binary at /agnhost as the entrypoint, pause as the default argument, /uploads and /tmp', async () => {
    const binary = await readFile('/bin/busybox');
    const spec = agnhostImageSpec(binary, '1.37.2');
    expect(spec.reference).toBe('localhost/sidecar-conformance/agnhost:v1.37.2');
    expect(spec.reference).toBe(AGNHOST_IMAGE('v1.37.2'));
    expect(spec.entrypoint).toEqual(['/agnhost']);
    expect(spec.cmd).toEqual(['pause']);
    expect(spec.env).toBeUndefined();
    // The binary is compared by identity: a deep comparison of megabytes is slow.
    const [file, ...dirs] = spec.entries;
    expect(file?.type === 'file' && file.path === 'agnhost' && file.mode === 0o755 && file.content).toBe(
      binary,
    );
    expect(dirs).toEqual([
      { type: 'directory', path: 'uploads', mode: 0o755 },
      { type: 'directory', path: 'tmp', mode: 0o1777 },
    ]);
  });

  it('refuses a dynamic binary (the image has no libc)', async () => {
    expect(() => agnhostImageSpec(Buffer.from('#!/bin/sh\n'.padEnd(100)), '1.37.2')).toThrow(
      /not a static executable.*CGO_ENABLED=0/,
    );
    expect(() => agnhostImageSpec(readFileSync(process.execPath), '1.37.2')).toThrow(
      /not a static executable/,
    );
  });

  it('writes the archive once, named by version and content, with the layout ctr imports', async () => {
    const progress: string[] = [];
    const archive = await ensureAgnhostArchive(dir, '/bin/busybox', 'v1.37.2', (line) => progress.push(line));
    expect(archive).toMatch(new RegExp(`^${dir}/images/agnhost-v1\\.37\\.2-[0-9a-f]{16}\\.oci\\.tar$`));
    expect(progress).toEqual([`writing localhost/sidecar-conformance/agnhost:v1.37.2 from /bin/busybox`]);
    const written = (await stat(archive)).mtimeMs;
    const again: string[] = [];
    expect(await ensureAgnhostArchive(dir, '/bin/busybox', '1.37.2', (line) => again.push(line))).toBe(
      archive,
    );
    expect(again).toEqual([]);
    expect((await stat(archive)).mtimeMs).toBe(written);
    expect(await readdir(join(dir, 'images'))).toEqual([archive.slice(`${dir}/images/`.length)]);

    const layout = join(dir, 'layout');
    await mkdir(layout);
    await execa('tar', ['-xf', archive, '-C', layout]);
    const blob = (digest: string) =>
      readFile(join(layout, 'blobs', 'sha256', digest.replace(/^sha256:/, '')));
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as {
      manifests: Array<{ digest: string; annotations: Record<string, string> }>;
    };
    expect(index.manifests.map((m) => m.annotations['io.containerd.image.name'])).toEqual([
      'localhost/sidecar-conformance/agnhost:v1.37.2',
    ]);
    const manifest = JSON.parse((await blob(index.manifests[0]?.digest ?? '')).toString()) as {
      config: { digest: string };
      layers: Array<{ digest: string }>;
    };
    const config = JSON.parse((await blob(manifest.config.digest)).toString()) as {
      config: { Entrypoint: string[]; Cmd: string[] };
    };
    expect(config.config.Entrypoint).toEqual(['/agnhost']);
    expect(config.config.Cmd).toEqual(['pause']);
    const layer = join(dir, 'layer.tar');
    await writeFile(layer, await blob(manifest.layers[0]?.digest ?? ''));
    const { stdout } = await execa('tar', ['-tvf', layer]);
    const lines = stdout.split('\n');
    expect(lines.map((line) => line.split(/\s+/).pop())).toEqual(['agnhost', 'tmp/', 'uploads/']);
    expect(lines[0]).toMatch(/^-rwxr-xr-x 0\/0 /);
    expect(lines[1]).toMatch(/^drwxrwxrwt /);
  });
});

describe('importImage and listImages', () => {
  it('runs ctr against the socket in the k8s.io namespace', async () => {
    const ctr = await fakeCtr('unpacking localhost/x:1 (sha256:00)...done', 0);
    await importImage(ctr, '/run/x.sock', '/cache/x.oci.tar');
    expect((await readFile(join(dir, 'args'), 'utf8')).trim()).toBe(
      '--address /run/x.sock --namespace k8s.io images import /cache/x.oci.tar',
    );
  });

  it('names the archive, the command and ctr output when the import fails', async () => {
    const ctr = await fakeCtr('ctr: unrecognized image format', 1);
    await expect(importImage(ctr, '/run/x.sock', '/cache/x.oci.tar')).rejects.toThrow(
      /importing the image archive \/cache\/x\.oci\.tar failed .*exited 1\): ctr: unrecognized image format/,
    );
  });

  it('gives up after the timeout', async () => {
    const path = join(dir, 'ctr');
    await writeFile(path, '#!/bin/sh\nexec sleep 10\n');
    await chmod(path, 0o755);
    await expect(importImage(path, '/run/x.sock', '/cache/x.oci.tar', 200)).rejects.toThrow(
      /\/cache\/x\.oci\.tar did not finish within 200 ms/,
    );
  });

  it('names a missing ctr binary', async () => {
    await expect(listImages(join(dir, 'no-ctr'), '/run/x.sock')).rejects.toThrow(/no-ctr is not installed/);
  });

  it('lists references, sorted, one per line', async () => {
    const ctr = await fakeCtr('localhost/b:1\nlocalhost/a:2\n', 0);
    expect(await listImages(ctr, '/run/x.sock')).toEqual(['localhost/a:2', 'localhost/b:1']);
  });
});
