import { usageError } from '../errors.js';
import { parseTolerance, runSettings } from '../run/settings.js';
import { selectScenarios } from '../scenarios/registry.js';
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
  });
  if (positionals.length)
    throw usageError(`run takes no arguments (got ${positionals.join(' ')}); see --help.`);
  const scenarios = selectScenarios({ suite: values.suite, only: values.only });
  return runJob({
    choice: await clusterChoice(values),
    scenarios,
    settings: runSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) }),
    reportsDir: values.reports,
    screenshot: !values['no-screenshot'],
    signal,
  });
}
