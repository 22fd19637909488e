import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseFeatureGates } from '../cluster/feature-gates.js';
import { chooseProvider, providerFor } from '../cluster/providers.js';
import { ExitCode, usageError } from '../errors.js';
import type { Scenario } from '../scenarios/scenario.js';
import { defaultParallel, parseVersions, runMatrix } from './matrix.js';
import { progressPrinter } from './progress.js';
import { faultPlan, parseFaults } from '../run/faults.js';
import { parseTolerance, runSettings } from '../run/settings.js';
import { selectScenarios } from '../scenarios/registry.js';
import { gatesNeeded } from '../scenarios/requirements.js';
import { clusterOptions, parseFlags } from './flags.js';
import { REPO_ROOT, runJob } from './job.js';
import { clusterChoice } from './session-flags.js';
import { chooseImage } from '../run/session.js';
import { usesLocalImages } from '../run/local-images.js';

export async function runCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('run', args, {
    ...clusterOptions,
    only: { type: 'string', multiple: true },
    suite: { type: 'string' },
    tolerance: { type: 'string' },
    reports: { type: 'string' },
    'no-screenshot': { type: 'boolean' },
    fault: { type: 'string', multiple: true },
    versions: { type: 'string' },
    parallel: { type: 'string' },
  });
  if (positionals.length)
    throw usageError(`run takes no arguments (got ${positionals.join(' ')}); see --help.`);
  const scenarios = selectScenarios({ suite: values.suite, only: values.only });
  if (values.versions !== undefined || values.parallel !== undefined) {
    return matrixCommand(values, scenarios, signal);
  }
  const faults = parseFaults(values.fault);
  // The local cluster starts with the gates the selected scenarios need (unless --feature-gates says).
  const choice = await clusterChoice(values, (version) =>
    gatesNeeded(
      scenarios.map((s) => s.requires),
      version,
    ),
  );
  // Refused before any cluster is touched: only the local provider restarts and pauses its components.
  const plan = faultPlan(faults, choice);
  const image = chooseImage(values.image, choice.provider?.providerName ?? 'kubeconfig');
  const reportsRoot = values.reports ?? resolve(REPO_ROOT, 'reports');
  return runJob({
    choice: { ...choice, localImages: usesLocalImages(scenarios, image, REPO_ROOT), reportsRoot },
    ...(plan ? { faults: plan } : {}),
    scenarios,
    settings: runSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) }),
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}

/** `run --versions V,V,…|all [--parallel N]`: the matrix (see lib/cli/matrix.ts). */
async function matrixCommand(
  values: {
    versions?: string;
    parallel?: string;
    provider?: string;
    'node-image'?: string;
    kubeconfig?: string;
    version?: string;
    fault?: string[];
    tolerance?: string;
    reports?: string;
    name?: string;
    'feature-gates'?: string;
  },
  scenarios: Scenario[],
  signal: AbortSignal,
): Promise<number> {
  if (values.versions === undefined) throw usageError('--parallel goes with --versions.');
  if (values.kubeconfig || values.version || values.name || values.fault?.length || values['node-image']) {
    throw usageError(
      '--versions brings up one cluster per version; it does not go with --kubeconfig, --version, --name, --node-image or --fault.',
    );
  }
  const versions = parseVersions(values.versions);
  const parallel = values.parallel === undefined ? defaultParallel() : Number(values.parallel);
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) {
    throw usageError(`--parallel ${values.parallel} is not a number of clusters from 1 to 16.`);
  }
  const progress = progressPrinter();
  // One provider for every version, chosen once (auto: kind when it is there, else local as root).
  const chosen = await chooseProvider(values.provider);
  progress(`cluster: ${chosen.because}`);
  progress(
    `matrix of ${versions.length} version(s), ${parallel} ${chosen.provider} cluster(s) at a time: ${versions.join(', ')}`,
  );
  const gates =
    values['feature-gates'] !== undefined ? parseFeatureGates(values['feature-gates']) : undefined;
  const outcome = await runMatrix({
    versions,
    parallel,
    scenarios,
    settings: runSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) }),
    root: REPO_ROOT,
    reportsRoot: values.reports ?? resolve(REPO_ROOT, 'reports'),
    signal,
    progress,
    providerFor: (options) => providerFor({ ...options, provider: chosen.provider }),
    ...(gates ? { featureGates: gates } : {}),
  });
  await writeFile(join(outcome.dir, 'progress.log'), `${progress.lines.join('\n')}\n`);
  for (const v of outcome.input.versions) {
    const counts = v.report
      ? summaryCounts(v.report.summary.scenarios)
      : `${v.failure?.step} failed: ${v.failure?.message}`;
    process.stdout.write(
      `v${v.version.padEnd(15)} ${(v.report?.verdict ?? 'not run').padEnd(9)} ${counts}\n`,
    );
  }
  process.stdout.write(
    `wall time ${(outcome.input.durationMs / 1000).toFixed(0)} s\nmatrix: ${outcome.paths.html}\n        ${outcome.paths.json}\n        ${outcome.paths.junit}\n`,
  );
  const verdicts = outcome.input.versions.map((v) => v.report?.verdict);
  if (outcome.input.versions.some((v) => v.status === 'failed') || verdicts.includes('fail')) {
    return ExitCode.scenarioFailed;
  }
  return verdicts.includes('undecided') ? ExitCode.undecided : ExitCode.ok;
}

/** `2 passed, 1 errored`: the counts a version's run came to, the zero ones left out. */
function summaryCounts(counts: {
  passed: number;
  failed: number;
  undecided: number;
  errored: number;
}): string {
  const parts = [`${counts.passed} passed`];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.errored) parts.push(`${counts.errored} errored (see the report)`);
  if (counts.undecided) parts.push(`${counts.undecided} undecided`);
  return parts.join(', ');
}
