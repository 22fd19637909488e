import { execa } from 'execa';
import { cacheDir } from '../config.js';
import { ensureGoTool, goToolPath } from '../go-tool.js';

/**
 * actionlint (github.com/rhysd/actionlint), built from the Go module proxy and kept in the
 * project's cache keyed by version, like the cluster's binaries: the unit tests and
 * `npm run lint:workflows` check .github/workflows with it.
 */
export const ACTIONLINT_VERSION = 'v1.7.12';
export const ACTIONLINT_MODULE = 'github.com/rhysd/actionlint/cmd/actionlint';

export function actionlintPath(cache = cacheDir(), version = ACTIONLINT_VERSION): string {
  return goToolPath(cache, { name: 'actionlint', version });
}

/** The cached binary's path; builds it first. */
export async function ensureActionlint(
  options: { cache?: string; version?: string; onProgress?: (line: string) => void } = {},
): Promise<string> {
  return ensureGoTool(
    { name: 'actionlint', module: ACTIONLINT_MODULE, version: options.version ?? ACTIONLINT_VERSION },
    { cache: options.cache ?? cacheDir(), ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  );
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
