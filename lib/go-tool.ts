import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { missingDependencyError } from './errors.js';
import { pathExists } from './fs.js';

/**
 * A Go program the harness needs (kind, actionlint), built with `go install module@version` through
 * the Go module proxy into `<cache>/bin/<name>-<version>/<name>`, keyed by version like the
 * cluster's binaries.
 */
export interface GoTool {
  /** The binary's name, also the cache directory's prefix. */
  name: string;
  /** The main package's import path. */
  module: string;
  version: string;
}

export function goToolPath(cache: string, tool: Pick<GoTool, 'name' | 'version'>): string {
  return join(cache, 'bin', `${tool.name}-${tool.version}`, tool.name);
}

/**
 * The cached binary's path; builds it first when missing (`go install` into a fresh GOBIN, then one
 * rename, so a build that fails or is interrupted leaves no half binary), niced, with progress
 * every 30 s. A build another process finished first wins. Failures are one sentence.
 */
export async function ensureGoTool(
  tool: GoTool,
  options: { cache: string; onProgress?: (line: string) => void; signal?: AbortSignal },
): Promise<string> {
  const progress = options.onProgress ?? (() => {});
  const what = `${tool.name} ${tool.version}`;
  const binary = goToolPath(options.cache, tool);
  if (await pathExists(binary)) return binary;
  const dir = dirname(binary);
  const staging = `${dir}.tmp-${process.pid}`;
  await mkdir(dirname(dir), { recursive: true });
  const started = Date.now();
  const seconds = () => Math.round((Date.now() - started) / 1000);
  progress(`building ${what} from the Go module proxy into ${dir}`);
  const ticker = setInterval(() => progress(`building ${what}: ${seconds()} s`), 30_000);
  try {
    // nice: the machine may be running clusters and other builds at the same time.
    const result = await execa('nice', ['-n', '10', 'go', 'install', `${tool.module}@${tool.version}`], {
      env: { GOBIN: staging, GOFLAGS: '-mod=mod', GO111MODULE: 'on', CGO_ENABLED: '0' },
      cwd: '/',
      all: true,
      reject: false,
      ...(options.signal ? { cancelSignal: options.signal } : {}),
    });
    if (result.exitCode !== 0) {
      const why = String(result.all ?? '')
        .trim()
        .split('\n')
        .at(-1);
      if (/executable file not found|ENOENT/.test(why ?? '') || result.code === 'ENOENT')
        throw missingDependencyError(`Go is not on PATH, so ${what} cannot be built; install Go 1.26.`);
      throw missingDependencyError(
        `\`go install ${tool.module}@${tool.version}\` failed (${why ?? 'no output'}); check \`go env GOPROXY\` or pick another ${tool.name} version.`,
      );
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    clearInterval(ticker);
  }
  if (await pathExists(binary)) await rm(staging, { recursive: true, force: true });
  else await rename(staging, dir);
  progress(`built ${what} in ${seconds()} s: ${binary}`);
  return binary;
}
