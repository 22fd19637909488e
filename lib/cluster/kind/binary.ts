import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cacheDir } from '../../config.js';
import { missingDependencyError } from '../../errors.js';
import { pathExists } from '../../fs.js';

/**
 * The kind binary (sigs.k8s.io/kind), built from the Go module proxy and kept in the project's cache
 * keyed by version, like the cluster's binaries. kind's go.mod has no replace directives, so a plain
 * `go install module@version` builds it.
 */
export const KIND_MODULE = 'sigs.k8s.io/kind';

/**
 * Pinned because node-image internals are unsupported across kind releases (kind's docs say so).
 * v0.33.0 is the first release that knows Kubernetes 1.37's kubeadm config.
 */
export const KIND_VERSION = 'v0.33.0';

export function kindPath(cache = cacheDir(), version = KIND_VERSION): string {
  return join(cache, 'bin', `kind-${version}`, 'kind');
}

export interface EnsureKindOptions {
  cache?: string;
  version?: string;
  signal?: AbortSignal;
}

/** The cached kind binary's path; builds it first (`go install` into a fresh GOBIN, then one rename). */
export async function ensureKind(
  onProgress: (line: string) => void = () => {},
  options: EnsureKindOptions = {},
): Promise<string> {
  const version = options.version ?? KIND_VERSION;
  const binary = kindPath(options.cache, version);
  if (await pathExists(binary)) return binary;
  const dir = dirname(binary);
  const staging = `${dir}.tmp-${process.pid}`;
  await mkdir(dirname(dir), { recursive: true });
  const started = Date.now();
  onProgress(`building kind ${version} from the Go module proxy into ${dir} (about a minute)`);
  const ticker = setInterval(
    () => onProgress(`building kind ${version}: ${Math.round((Date.now() - started) / 1000)} s`),
    30_000,
  );
  try {
    // nice: the machine may be running clusters and other builds at the same time.
    const result = await execa('nice', ['-n', '10', 'go', 'install', `${KIND_MODULE}@${version}`], {
      env: { GOBIN: staging, GOFLAGS: '-mod=mod', GO111MODULE: 'on', CGO_ENABLED: '0' },
      cwd: '/',
      all: true,
      reject: false,
      cancelSignal: options.signal,
    });
    if (result.exitCode !== 0) {
      const why = String(result.all ?? '')
        .trim()
        .split('\n')
        .at(-1);
      if (/executable file not found|ENOENT/.test(why ?? '') || result.code === 'ENOENT')
        throw missingDependencyError(
          `Go is not on PATH, so kind ${version} cannot be built; install Go 1.26.`,
        );
      throw missingDependencyError(
        `\`go install ${KIND_MODULE}@${version}\` failed (${why ?? 'no output'}); check \`go env GOPROXY\` or pick another kind version.`,
      );
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    clearInterval(ticker);
  }
  // Another build may have finished first: keep its binary, drop ours.
  if (await pathExists(binary)) await rm(staging, { recursive: true, force: true });
  else await rename(staging, dir);
  onProgress(`built kind ${version} in ${Math.round((Date.now() - started) / 1000)} s: ${binary}`);
  return binary;
}
