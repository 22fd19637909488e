import { cpus, totalmem } from 'node:os';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClusterProvider } from '../cluster/provider.js';
import { KUBERNETES_VERSION } from '../cluster/providers.js';
import type { FeatureGates } from '../cluster/feature-gates.js';
import { describeError, usageError } from '../errors.js';
import {
  buildMatrix,
  matrixHtml,
  matrixJUnit,
  type MatrixInput,
  type MatrixVersion,
} from '../report/matrix.js';
import type { JsonReport } from '../report/json.js';
import { gatesNeeded, versionParts } from '../scenarios/requirements.js';
import type { RunSettings, Scenario } from '../scenarios/scenario.js';
import { formatTimeNs, nowNs, nsToMs } from '../timeline/time.js';
import { runScenarios, inPool } from '../run/conformance.js';
import { newRunId, openSession } from '../run/session.js';
import { writeReports } from '../report/write.js';

/**
 * `run --versions`: one local cluster per Kubernetes version, built when missing, brought up a few at
 * a time, every selected scenario run on each, each version's reports plus one matrix report. A
 * version that cannot be built or started is one line in the matrix; the others go on.
 */

/**
 * `all`: the newest patch of each minor from 1.29 the Go module proxy serves, and its newest
 * pre-release, as found on 2026-12-01 (issue 9).
 */
export const MATRIX_VERSIONS = [
  '1.29.6',
  '1.30.14',
  '1.31.14',
  '1.32.13',
  '1.33.13',
  '1.34.4',
  '1.35.4',
  '1.36.3',
  '1.37.2',
  '1.38.0-beta.0',
] as const;

/** `1.36.3,1.37.2` or `all` → versions, oldest first, each checked. */
export function parseVersions(text: string): string[] {
  const listed =
    text.trim() === 'all' ? [...MATRIX_VERSIONS] : text.split(',').map((v) => v.trim().replace(/^v/, ''));
  const versions = [...new Set(listed.filter(Boolean))];
  for (const version of versions) {
    if (!KUBERNETES_VERSION.test(version)) {
      throw usageError(
        `--versions ${version} is not a Kubernetes version like 1.37.2 or 1.38.0-beta.0 (or say all).`,
      );
    }
  }
  if (versions.length === 0) throw usageError('--versions needs at least one version (or all).');
  return versions.sort(compareVersionStrings);
}

/** How many clusters run at once by default: one per 4 GiB of memory, at most cores + 1 and 4. */
export function defaultParallel(memoryBytes = totalmem(), cores = cpus().length): number {
  return Math.max(1, Math.min(Math.floor(memoryBytes / 4 / 2 ** 30), cores + 1, 4));
}

/** The local cluster a version runs on in a matrix: `sc-v1-38-0-beta-0`. */
export function matrixClusterName(version: string): string {
  return `sc-v${version.replace(/[^0-9a-z]+/gi, '-').toLowerCase()}`;
}

/** Which step stopped a version, from the error (build errors say "Building … failed"), and the log it names. */
export function failureOf(error: unknown, during: 'up' | 'run'): NonNullable<MatrixVersion['failure']> {
  const message = describeError(error).split('\n')[0] ?? 'unknown error';
  const step =
    during === 'up' && /\bBuilding\b|\bbuild\b.*failed|go mod tidy|go build/i.test(message)
      ? 'build'
      : during;
  const log = /(?:see|log:?)\s+(\/\S+?\.log)\b/.exec(message)?.[1];
  return { step, message, ...(log ? { log } : {}) };
}

export interface MatrixOptions {
  versions: string[];
  parallel: number;
  scenarios: Scenario[];
  settings: RunSettings;
  root: string;
  reportsRoot: string;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** The provider for a version (the local one by default); gates from the scenarios' needs. */
  providerFor: (options: { name: string; version: string; featureGates: FeatureGates }) => ClusterProvider;
  /** --feature-gates given by hand: for every version instead of each one's needs. */
  featureGates?: FeatureGates;
}

export interface MatrixOutcome {
  dir: string;
  input: MatrixInput;
  paths: { json: string; html: string; junit: string };
}

export async function runMatrix(options: MatrixOptions): Promise<MatrixOutcome> {
  const id = `matrix-${newRunId()}`;
  const dir = join(options.reportsRoot, id);
  await mkdir(dir, { recursive: true });
  const startedNs = nowNs();
  const junits = new Map<string, string>();
  const one = async (version: string): Promise<MatrixVersion> => {
    const t0 = nowNs();
    const say = (line: string) => options.progress(`[v${version}] ${line}`);
    const elapsed = () => Math.round(nsToMs(nowNs() - t0));
    const gates =
      options.featureGates ??
      gatesNeeded(
        options.scenarios.map((s) => s.requires),
        version,
      );
    const provider = options.providerFor({ name: matrixClusterName(version), version, featureGates: gates });
    let session;
    try {
      say(
        `bringing up ${provider.providerName} cluster ${provider.clusterName}${provider.providerName === 'local' ? ' (built into the cache first when missing)' : ''}`,
      );
      session = await openSession({ provider }, say, options.signal);
    } catch (error) {
      const failure = failureOf(error, 'up');
      say(`${failure.step} failed: ${failure.message}`);
      return { version, status: 'failed', durationMs: elapsed(), failure };
    }
    try {
      const run = await runScenarios(session, options.scenarios, options.settings, {
        root: options.root,
        signal: options.signal,
        progress: say,
      });
      const paths = await writeReports(run, dir);
      junits.set(version, await readFile(paths.junit, 'utf8'));
      const report = JSON.parse(await readFile(paths.json, 'utf8')) as JsonReport;
      say(`${run.verdict}: reports ${paths.dir}`);
      return { version, status: 'ran', durationMs: elapsed(), reportDir: paths.dir, report };
    } catch (error) {
      const failure = failureOf(error, 'run');
      say(`run failed: ${failure.message}`);
      return { version, status: 'failed', durationMs: elapsed(), failure };
    } finally {
      await session.close().catch((e: unknown) => say(`taking the cluster down failed: ${describeError(e)}`));
    }
  };
  const versions = await inPool(options.versions, options.parallel, one);
  const input: MatrixInput = {
    id,
    startedAt: formatTimeNs(startedNs),
    durationMs: Math.round(nsToMs(nowNs() - startedNs)),
    versions,
  };
  const matrix = buildMatrix(input);
  const paths = {
    json: join(dir, 'matrix.json'),
    html: join(dir, 'matrix.html'),
    junit: join(dir, 'junit.xml'),
  };
  await writeFile(paths.json, `${JSON.stringify(matrix, null, 2)}\n`);
  await writeFile(paths.html, matrixHtml(matrix));
  await writeFile(
    paths.junit,
    matrixJUnit(input, (v) => junits.get(v.version)),
  );
  return { dir, input, paths };
}

/** Sorts versions oldest first (pre-releases before their release). */
export function compareVersionStrings(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < pa.length; i++) if (pa[i] !== pb[i]) return (pa[i] as number) - (pb[i] as number);
  return 0;
}
