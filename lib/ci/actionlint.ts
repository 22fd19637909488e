import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { cacheDir } from '../config.js';
import { missingDependencyError } from '../errors.js';
import { pathExists } from '../fs.js';

/**
 * actionlint (github.com/rhysd/actionlint), built from the Go module proxy and kept in the
 * project's cache keyed by version, like the cluster's binaries: the unit tests and
 * `npm run lint:workflows` check .github/workflows with it.
 */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';

export function actionlintPath(cache = cacheDir(), version = ACTIONLINT_VERSION): string {
  return join(cache, 'bin', `actionlint-${version}`, 'actionlint');
}

/** The cached binary's path; builds it first (`go install` into a fresh GOBIN, then one rename). */
export async function ensureActionlint(
  options: { cache?: string; version?: string; onProgress?: (line: string) => void } = {},
): Promise<string> {
  const version = options.version ?? ACTIONLINT_VERSION;
  const binary = actionlintPath(options.cache, version);
  if (await pathExists(binary)) return binary;
  const dir = dirname(binary);
  const staging = `${dir}.tmp-${process.pid}`;
  options.onProgress?.(`building actionlint ${version} from the Go module proxy into ${dir}`);
  try {
    await execa('go', ['install', `${ACTIONLINT_MODULE}@${version}`], {
      env: { GOBIN: staging, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw missingDependencyError(
        `Go is not on PATH, so actionlint ${version} cannot be built; install Go.`,
      );
    }
    throw error;
  }
  // Another build may have finished first: keep its binary, drop ours.
  if (await pathExists(binary)) await rm(staging, { recursive: true, force: true });
  else await rename(staging, dir);
  return binary;
}

export interface LintResult {
  exitCode: number;
  /** One finding per line (`file:line:col: message [kind]`); empty when the workflows are clean. */
  findings: string[];
}

/** Runs actionlint on the files (its own discovery of .github/workflows when none are given). */
export async function actionlint(binary: string, files: string[], cwd: string): Promise<LintResult> {
  const result = await execa(binary, ['-color=false', '-oneline', ...files], { cwd, reject: false });
  const findings = `${result.stdout}\n${result.stderr}`.split('\n').filter((line) => line.trim() !== '');
  return { exitCode: result.exitCode ?? 1, findings };
}
