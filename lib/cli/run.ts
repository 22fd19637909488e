import { defaults } from '../config.js';
import { usageError } from '../errors.js';
import { ruleSettings } from '../run/settings.js';
import { seedScenarios } from '../scenarios/seed.js';
import { clusterOptions, parseFlags } from './flags.js';
import { runJob } from './job.js';
import { clusterChoice } from './session-flags.js';

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
  return runJob({
    choice: await clusterChoice(values),
    scenarios,
    settings: ruleSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) }),
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}
