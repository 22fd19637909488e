import { usageError } from '../errors.js';
import { faultPlan, parseFaults } from '../run/faults.js';
import { parseTolerance, runSettings } from '../run/settings.js';
import { selectScenarios } from '../scenarios/registry.js';
import { gatesNeeded } from '../scenarios/requirements.js';
import { clusterOptions, parseFlags } from './flags.js';
import { runJob } from './job.js';
import { clusterChoice } from './session-flags.js';

export async function runCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('run', args, {
    ...clusterOptions,
    only: { type: 'string', multiple: true },
    suite: { type: 'string' },
    tolerance: { type: 'string' },
    reports: { type: 'string' },
    'no-screenshot': { type: 'boolean' },
    fault: { type: 'string', multiple: true },
  });
  if (positionals.length)
    throw usageError(`run takes no arguments (got ${positionals.join(' ')}); see --help.`);
  const scenarios = selectScenarios({ suite: values.suite, only: values.only });
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
  return runJob({
    choice,
    ...(plan ? { faults: plan } : {}),
    scenarios,
    settings: runSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) }),
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}
