import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { AGNHOST_IMAGE, PAUSE_IMAGE, TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { clusterStartError, missingDependencyError } from '../../errors.js';
import { parseReference, writeOciArchive, type ImageSpec } from './oci.js';
import type { TarEntry } from './tar.js';
import { pathExists } from '../../fs.js';

/**
 * The two images a registry-less node needs, made here: the sandbox image (our own pause.c,
 * built static) and the test image (Debian's static busybox). They are written as OCI archives
 * into the cache and imported into containerd's `k8s.io` namespace, where the kubelet finds them.
 */

export const PAUSE_SOURCE = fileURLToPath(new URL('./pause/pause.c', import.meta.url));
const GCC_FLAGS = ['-static', '-O2', '-s'];

/** Commands the scenarios' containers run; the test image links every applet, these must be among them. */
export const REQUIRED_APPLETS = [
  'sh',
  'sleep',
  'echo',
  'date',
  'cat',
  'ls',
  'true',
  'false',
  'env',
  'kill',
  'ps',
  'wget',
  'nc',
] as const;

/** Bump when the archive layout or image contents change without the inputs changing. */
const ARCHIVE_FORMAT = '1';
const CTR_NAMESPACE = 'k8s.io';
const CTR_TIMEOUT_MS = 120_000;

/** Compiles pause.c into `<outDir>/pause` (static, stripped) and returns its path. */
export async function buildPauseBinary(outDir: string): Promise<string> {
  await mkdir(outDir, { recursive: true });
  const out = join(outDir, 'pause');
  const partial = `${out}.partial-${process.pid}`;
  const result = await execa('gcc', [...GCC_FLAGS, '-o', partial, PAUSE_SOURCE], {
    reject: false,
    all: true,
  });
  if (result.code === 'ENOENT') {
    throw missingDependencyError(
      "gcc is not installed; the pause image is compiled from pause.c, so install Debian's gcc and libc6-dev (`npm run setup` as root).",
    );
  }
  if (result.exitCode !== 0) {
    await rm(partial, { force: true });
    // A static link needs libc.a, which only libc6-dev ships.
    const hint = /cannot find -lc|\.h: No such file/.test(result.all ?? '')
      ? " (is Debian's libc6-dev installed?)"
      : '';
    throw missingDependencyError(
      `gcc could not build ${PAUSE_SOURCE}${hint}: ${(result.all ?? '').trim() || `exit ${result.exitCode}`}`,
    );
  }
  await rename(partial, out);
  return out;
}

/** The sandbox image: only /pause. */
export function pauseImageSpec(pauseBinary: Buffer): ImageSpec {
  return {
    reference: PAUSE_IMAGE,
    entries: [{ type: 'file', path: 'pause', mode: 0o755, content: pauseBinary }],
    entrypoint: ['/pause'],
  };
}

/** The test image: static busybox in /bin with a symlink per applet, root in /etc/passwd, a /tmp. */
export async function testImageSpec(busyboxPath = '/bin/busybox'): Promise<ImageSpec> {
  const missing = `${busyboxPath} is missing or not a static executable; the test image is made from it, so install Debian's busybox-static (\`npm run setup\` as root).`;
  const busybox = await readFile(busyboxPath).catch(() => undefined);
  // Debian's dynamic `busybox` package installs the same path but would need a libc in the image.
  if (!busybox || !isStaticExecutable(busybox)) throw missingDependencyError(missing);

  const { stdout } = await execa(busyboxPath, ['--list']);
  const applets = stdout.split('\n').filter((name) => /^[\w.[-]+$/.test(name) && name !== 'busybox');
  const absent = REQUIRED_APPLETS.filter((name) => !applets.includes(name));
  if (absent.length > 0) {
    throw missingDependencyError(
      `${busyboxPath} lacks the applets ${absent.join(', ')} the test image needs.`,
    );
  }

  const text = (path: string, content: string, mode = 0o644): TarEntry => ({
    type: 'file',
    path,
    mode,
    content: Buffer.from(content),
  });
  return {
    reference: TEST_IMAGE,
    entries: [
      { type: 'file', path: 'bin/busybox', mode: 0o755, content: busybox },
      ...applets.map((name): TarEntry => ({ type: 'symlink', path: `bin/${name}`, target: 'busybox' })),
      text(
        'etc/passwd',
        'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n',
      ),
      text('etc/group', 'root:x:0:\nnobody:x:65534:\n'),
      { type: 'directory', path: 'root', mode: 0o700 },
      { type: 'directory', path: 'tmp', mode: 0o1777 },
    ],
    env: ['PATH=/bin'],
  };
}

/**
 * The agnhost image: upstream's static binary at /agnhost, run as the entrypoint with `pause` as
 * the default argument (as upstream's Dockerfile has it), plus the /uploads netexec writes to and
 * a /tmp. No shell: the rows that use it only need its servers.
 */
export function agnhostImageSpec(agnhostBinary: Buffer, kubernetesVersion: string): ImageSpec {
  if (!isStaticExecutable(agnhostBinary)) {
    throw missingDependencyError(
      'the agnhost binary is not a static executable; it must be built with CGO_ENABLED=0.',
    );
  }
  return {
    reference: AGNHOST_IMAGE(kubernetesVersion),
    entries: [
      { type: 'file', path: 'agnhost', mode: 0o755, content: agnhostBinary },
      { type: 'directory', path: 'uploads', mode: 0o755 },
      { type: 'directory', path: 'tmp', mode: 0o1777 },
    ],
    entrypoint: ['/agnhost'],
    cmd: ['pause'],
  };
}

/** True for an ELF executable without a program interpreter (nothing to load from the image). */
export function isStaticExecutable(bytes: Buffer): boolean {
  if (bytes.length < 64 || bytes.readUInt32BE(0) !== 0x7f454c46) return false;
  const is64 = bytes[4] === 2;
  const little = bytes[5] === 1;
  const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
  const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
  const u64 = (at: number) => Number(little ? bytes.readBigUInt64LE(at) : bytes.readBigUInt64BE(at));
  const tableOffset = is64 ? u64(0x20) : u32(0x1c);
  const entrySize = u16(is64 ? 0x36 : 0x2a);
  const entries = u16(is64 ? 0x38 : 0x2c);
  const PT_INTERP = 3;
  for (let i = 0; i < entries; i++) {
    const at = tableOffset + i * entrySize;
    if (at + 4 > bytes.length) return false;
    if (u32(at) === PT_INTERP) return false;
  }
  return true;
}

const shortHash = (...parts: Array<string | Buffer>) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
};

/**
 * The pause and test image archives under `<cacheRoot>/images`, written only when missing. Names
 * carry a hash of what they are made from (pause.c, the busybox binary, the reference), so a
 * changed input writes a new archive instead of reusing a stale one. `testB` is the test image
 * again under TEST_IMAGE_B: the same layer, config and manifest (so the same digests), another name.
 */
export async function ensureImageArchives(
  cacheRoot: string,
  onProgress: (line: string) => void = () => undefined,
): Promise<{ pause: string; test: string; testB: string }> {
  const dir = join(cacheRoot, 'images');
  await mkdir(dir, { recursive: true });

  const pauseSource = await readFile(PAUSE_SOURCE);
  const pause = join(
    dir,
    `pause-${shortHash(ARCHIVE_FORMAT, PAUSE_IMAGE, GCC_FLAGS.join(' '), pauseSource)}.oci.tar`,
  );
  if (!(await pathExists(pause))) {
    onProgress(`building ${PAUSE_IMAGE} from pause.c (gcc -static)`);
    const work = await mkdtemp(join(dir, 'pause-build-'));
    try {
      const binary = await buildPauseBinary(work);
      await writeOciArchive(pauseImageSpec(await readFile(binary)), pause);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  const spec = await testImageSpec();
  const busybox = spec.entries.find((entry) => entry.path === 'bin/busybox');
  const busyboxBytes = busybox?.type === 'file' ? busybox.content : Buffer.alloc(0);
  const test = join(dir, `busybox-${shortHash(ARCHIVE_FORMAT, TEST_IMAGE, busyboxBytes)}.oci.tar`);
  if (!(await pathExists(test))) {
    onProgress(`writing ${TEST_IMAGE} from /bin/busybox`);
    await writeOciArchive(spec, test);
  }
  const testB = join(dir, `busybox-b-${shortHash(ARCHIVE_FORMAT, TEST_IMAGE_B, busyboxBytes)}.oci.tar`);
  if (!(await pathExists(testB))) {
    onProgress(`writing ${TEST_IMAGE_B} (${TEST_IMAGE} under a second name)`);
    await writeOciArchive({ ...spec, reference: TEST_IMAGE_B }, testB);
  }
  return { pause, test, testB };
}

/** The agnhost image archive under `<cacheRoot>/images`, named by the binary's hash; written only when missing. */
export async function ensureAgnhostArchive(
  cacheRoot: string,
  agnhostBinary: string,
  kubernetesVersion: string,
  onProgress: (line: string) => void = () => undefined,
): Promise<string> {
  const dir = join(cacheRoot, 'images');
  await mkdir(dir, { recursive: true });
  const binary = await readFile(agnhostBinary);
  const reference = AGNHOST_IMAGE(kubernetesVersion);
  const archive = join(
    dir,
    `agnhost-${parseReference(reference).tag}-${shortHash(ARCHIVE_FORMAT, reference, binary)}.oci.tar`,
  );
  if (!(await pathExists(archive))) {
    onProgress(`writing ${reference} from ${agnhostBinary}`);
    await writeOciArchive(agnhostImageSpec(binary, kubernetesVersion), archive);
  }
  return archive;
}

async function ctr(
  ctrBinary: string,
  socket: string,
  args: string[],
  what: string,
  timeoutMs = CTR_TIMEOUT_MS,
) {
  const result = await execa(ctrBinary, ['--address', socket, '--namespace', CTR_NAMESPACE, ...args], {
    reject: false,
    all: true,
    timeout: timeoutMs,
  });
  if (result.code === 'ENOENT') {
    throw missingDependencyError(`${ctrBinary} is not installed; ${what} needs containerd's ctr.`);
  }
  if (result.timedOut) {
    throw clusterStartError(
      `${what} did not finish within ${timeoutMs} ms (${ctrBinary} against ${socket}); output: ${(result.all ?? '').trim()}`,
    );
  }
  if (result.exitCode !== 0) {
    throw clusterStartError(
      `${what} failed (\`${ctrBinary} --address ${socket} -n ${CTR_NAMESPACE} ${args.join(' ')}\` exited ${result.exitCode ?? result.signal}): ${(result.all ?? '').trim()}`,
    );
  }
  return result.stdout;
}

/**
 * Imports an OCI archive into the `k8s.io` namespace, where the kubelet's CRI looks. The archive
 * holds one manifest for this machine's platform, so no `--all-platforms`: ctr then also unpacks
 * it into the default snapshotter, ready for the first container. The image is named from the
 * archive's `io.containerd.image.name` annotation.
 */
export async function importImage(
  ctrBinary: string,
  containerdSocket: string,
  archivePath: string,
  timeoutMs = CTR_TIMEOUT_MS,
): Promise<void> {
  await ctr(
    ctrBinary,
    containerdSocket,
    ['images', 'import', archivePath],
    `importing the image archive ${archivePath}`,
    timeoutMs,
  );
}

/** Image references in the `k8s.io` namespace, sorted. */
export async function listImages(ctrBinary: string, containerdSocket: string): Promise<string[]> {
  const stdout = await ctr(ctrBinary, containerdSocket, ['images', 'list', '--quiet'], 'listing images');
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .sort();
}
