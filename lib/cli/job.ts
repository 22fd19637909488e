import type { Verdict } from '../assert/result.js';
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ExitCode } from '../errors.js';
import { runScenarios } from '../run/conformance.js';
import { summarize } from '../report/summary.js';
import { openSession, type ClusterChoice } from '../run/session.js';
import type { FaultPlan } from '../run/faults.js';
import type { RunSettings, Scenario } from '../scenarios/scenario.js';
import { progressPrinter } from './progress.js';
import { publishReports } from '../report/publish.js';

/** fail → 1; undecided (no rule broke, some could not tell) → 8. */
const EXIT_FOR: Record<Verdict, number> = {
  pass: ExitCode.ok,
  fail: ExitCode.scenarioFailed,
  undecided: ExitCode.undecided,
};

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

export interface JobOptions {
  choice: ClusterChoice;
  scenarios: Scenario[];
  settings: RunSettings;
  reportsDir?: string;
  screenshot: boolean;
  signal: AbortSignal;
  /** Faults to make during the run (`run --fault`, local provider only). */
  faults?: FaultPlan;
}

/**
 * What `run` and `check` share: open the cluster, run the scenarios, write the reports, print the
 * summary, take down what was brought up. Returns the exit code.
 */
export async function runJob(options: JobOptions): Promise<number> {
  const progress = progressPrinter();
  const session = await openSession(options.choice, progress, options.signal);
  try {
    progress(
      `running ${options.scenarios.length} scenario(s) against ${session.cluster.server} (${session.cluster.kubernetesVersion}), run ${session.runId}`,
    );
    const run = await runScenarios(session, options.scenarios, options.settings, {
      root: REPO_ROOT,
      signal: options.signal,
      progress,
      ...(options.faults ? { faults: options.faults } : {}),
    });
    const paths = await publishReports(run, options.reportsDir ?? resolve(REPO_ROOT, 'reports'), {
      screenshot: options.screenshot,
      progress,
    });
    // The run's own log stays with its reports (component logs are in the cluster's logs/ folder).
    await writeFile(join(paths.dir, 'progress.log'), `${progress.lines.join('\n')}\n`);
    process.stdout.write(`${summarize(run)}\nreports: ${paths.dir}\n`);
    return EXIT_FOR[run.verdict];
  } finally {
    await session.close();
  }
}
