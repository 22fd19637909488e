import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { defaults } from '../config.js';
import { ExitCode, usageError } from '../errors.js';
import { runScenarios, summarize } from '../run/conformance.js';
import { openSession } from '../run/session.js';
import { ruleSettings } from '../run/settings.js';
import { seedScenarios } from '../scenarios/seed.js';
import { clusterOptions, parseFlags } from './flags.js';
import { progressPrinter } from './progress.js';
import { publishReports } from './publish.js';
import { clusterChoice } from './session-flags.js';

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export function selectScenarios(only: string[] | undefined) {
  if (!only?.length) return seedScenarios;
  const names = only.flatMap((o) => o.split(',')).filter(Boolean);
  const known = new Map(seedScenarios.map((s) => [s.name, s]));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) {
    throw usageError(
      `--only ${unknown.join(',')}: no such scenario; scenarios are ${[...known.keys()].join(', ')}.`,
    );
  }
  return names.map((n) => known.get(n)!);
}

export function parseTolerance(value: string | undefined): number {
  if (value === undefined) return defaults.shutdownToleranceMs;
  const ms = Number(value);
  if (!Number.isFinite(ms) || ms < 0 || ms > 60_000) {
    throw usageError(`--tolerance ${value} is not a number of milliseconds between 0 and 60000.`);
  }
  return ms;
}

export async function runCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('run', args, {
    ...clusterOptions,
    only: { type: 'string', multiple: true },
    tolerance: { type: 'string' },
    reports: { type: 'string' },
    'no-screenshot': { type: 'boolean' },
  });
  if (positionals.length)
    throw usageError(`run takes no arguments (got ${positionals.join(' ')}); see --help.`);
  const scenarios = selectScenarios(values.only);
  const settings = ruleSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) });
  const progress = progressPrinter();
  const session = await openSession(await clusterChoice(values), progress, signal);
  try {
    progress(
      `running ${scenarios.length} scenario(s) against ${session.cluster.server} (${session.cluster.kubernetesVersion}), run ${session.runId}`,
    );
    const run = await runScenarios(session, scenarios, settings, { root: REPO_ROOT, signal, progress });
    const paths = await publishReports(run, values.reports ?? resolve(REPO_ROOT, 'reports'), {
      screenshot: !values['no-screenshot'],
      progress,
    });
    process.stdout.write(`${summarize(run)}\nreports: ${paths.dir}\n`);
    return run.passed ? ExitCode.ok : ExitCode.scenarioFailed;
  } finally {
    await session.close();
  }
}
