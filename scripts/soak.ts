/**
 * A soak: the scenarios run N times one after another on one cluster, to see which rules flake and
 * how far each measurement spreads. Writes each run's reports (reports/soak-<id>/run-<k>/, as `run`
 * writes them, without the screenshot) and the soak's figures beside them (soak.json, soak.txt).
 *
 *   npm run soak -- --runs 20 --suite seed
 *   npm run soak -- --help
 */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../lib/cli/job.js';
import { clusterOptions } from '../lib/cli/flags.js';
import { clusterChoice } from '../lib/cli/session-flags.js';
import type { ClusterProvider } from '../lib/cluster/provider.js';
import { defaults } from '../lib/config.js';
import { ExitCode, UserError, describeError, usageError } from '../lib/errors.js';
import { publishReports } from '../lib/report/publish.js';
import { runScenarios } from '../lib/run/conformance.js';
import { openSession } from '../lib/run/session.js';
import { parseTolerance, runSettings } from '../lib/run/settings.js';
import { formatSoak, runLine, summarizeSoak, type SoakRun } from '../lib/report/soak.js';
import { SCENARIOS, SUITES, selectScenarios } from '../lib/scenarios/registry.js';

const MAX_RUNS = 1000;

const HELP = `Usage: npm run soak -- --runs N [flags]

Runs the scenarios N times, one run after another, on ONE cluster (opened once, kept up between
runs, taken down at the end only if the soak brought it up). Each run's reports go to
reports/soak-<id>/run-<k>/ (junit.xml, report.json, report.html, progress.log); then it prints and
writes (soak.json, soak.txt):
  - per rule (scenario + sentence): how often it failed and how often it was undecided, out of N;
  - per measurement: count, min, median, p95, max (nearest rank);
  - each rule that did not pass, explained as at its first occurrence;
  - the runs with observation gaps or restarted cluster components (faults on the cluster).
One progress line per run on stderr. Ctrl-C stops cleanly (the run in flight deletes its
namespaces; it is not counted); a second Ctrl-C exits at once.

Flags:
  --runs N              how many runs (1–${MAX_RUNS}; required)
  --suite ${[...SUITES, 'all'].join('|')}  which scenarios (default: all)
  --only NAME[,NAME]    scenarios to run: ${SCENARIOS.map((s) => s.name).join(', ')}
  --tolerance MS        allowed excess over the 3 s shutdown gaps (default: ${defaults.shutdownToleranceMs})
  --reports DIR         where soak-<id>/ goes (default: reports)
  --verbose             print every run's progress, not only one line per run
Cluster flags as \`sidecar-conformance run\` takes them:
  --kubeconfig PATH --context NAME --provider local --name N --version V --keep-cluster
  --image local|reference|REF

Exit codes: 0 every run passed, 1 a rule broke or a scenario failed in some run, 8 nothing broke
but some rule was undecided, 2 bad usage, 130 interrupted; otherwise as \`sidecar-conformance run\`.`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        ...clusterOptions,
        runs: { type: 'string' },
        suite: { type: 'string' },
        only: { type: 'string', multiple: true },
        tolerance: { type: 'string' },
        reports: { type: 'string' },
        verbose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        debug: { type: 'boolean' },
      },
      allowPositionals: false,
      strict: true,
    });
  } catch (error) {
    throw usageError(`${describeError(error).replace(/\.$/, '')}; see \`npm run soak -- --help\`.`);
  }
}

function parseRuns(value: string | undefined): number {
  if (value === undefined) throw usageError('--runs N is required; see `npm run soak -- --help`.');
  const runs = Number(value);
  if (!Number.isInteger(runs) || runs < 1 || runs > MAX_RUNS) {
    throw usageError(`--runs ${value} is not a whole number of runs between 1 and ${MAX_RUNS}.`);
  }
  return runs;
}

/** `kube-apiserver` → pid, from a local provider's status lines (`kube-apiserver  running (pid 6745)`). */
async function componentPids(provider: ClusterProvider | undefined): Promise<Map<string, string>> {
  const pids = new Map<string, string>();
  if (!provider) return pids;
  try {
    for (const line of (await provider.status()).components) {
      const match = /^(\S+)\s+(?:running \(pid (\d+)\)|stopped)/.exec(line);
      if (match?.[1]) pids.set(match[1], match[2] ?? 'stopped');
    }
  } catch {
    // Not knowing the pids only loses the restart note.
  }
  return pids;
}

function restartsBetween(before: Map<string, string>, after: Map<string, string>, when: string): string[] {
  return [...after]
    .filter(([name, pid]) => before.has(name) && before.get(name) !== pid)
    .map(([name, pid]) => `${name} pid ${before.get(name)} → ${pid} (${when})`);
}

async function soak(argv: string[], signal: AbortSignal): Promise<number> {
  const { values } = parse(argv);
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    return ExitCode.ok;
  }
  const runs = parseRuns(values.runs);
  const scenarios = selectScenarios({ suite: values.suite, only: values.only });
  const settings = runSettings({ shutdownToleranceMs: parseTolerance(values.tolerance) });
  const choice = await clusterChoice(values);

  const started = Date.now();
  const soakLog: string[] = [];
  const say = (line: string) => {
    const stamped = `[${((Date.now() - started) / 1000).toFixed(0).padStart(5)}s] ${line}`;
    soakLog.push(stamped);
    process.stderr.write(`${stamped}\n`);
  };

  const session = await openSession(choice, say, signal);
  const soakId = `soak-${session.runId}`;
  const soakDir = join(resolve(values.reports ?? join(REPO_ROOT, 'reports')), soakId);
  const width = String(runs).length;
  const done: SoakRun[] = [];
  let interruptedRun: number | undefined;
  const startedAt = new Date().toISOString();

  const writeResults = async () => {
    const summary = summarizeSoak(done);
    const text = formatSoak(summary);
    const json = {
      schemaVersion: 1,
      soakId,
      startedAt,
      finishedAt: new Date().toISOString(),
      runsRequested: runs,
      runsCompleted: done.length,
      interruptedRun: interruptedRun ?? null,
      scenarios: scenarios.map((s) => s.name),
      toleranceMs: settings.shutdownToleranceMs,
      cluster: session.cluster,
      image: session.image,
      ...summary,
    };
    await writeFile(join(soakDir, 'soak.json'), `${JSON.stringify(json, null, 2)}\n`);
    await writeFile(join(soakDir, 'soak.txt'), `${text}\n`);
    await writeFile(join(soakDir, 'progress.log'), `${soakLog.join('\n')}\n`);
    return text;
  };

  try {
    say(
      `soak ${soakId}: ${runs} run(s) of ${scenarios.map((s) => s.name).join(', ')} against ${session.cluster.server} (${session.cluster.kubernetesVersion}); reports under ${soakDir}`,
    );
    let pids = await componentPids(choice.provider);
    for (let k = 1; k <= runs && !signal.aborted; k++) {
      const label = `run-${String(k).padStart(width, '0')}`;
      // Each run has its own id, so its namespaces never meet the previous run's, still terminating.
      const runSession = { ...session, runId: `${session.runId}-${label.replace('run-', 'r')}` };
      const runStarted = Date.now();
      const lines: string[] = [];
      const progress = (line: string) => {
        const stamped = `[${((Date.now() - runStarted) / 1000).toFixed(0).padStart(4)}s] ${line}`;
        lines.push(stamped);
        if (values.verbose) process.stderr.write(`  ${label} ${stamped}\n`);
      };
      const before = await componentPids(choice.provider);
      const restarts = restartsBetween(pids, before, 'before the run');
      say(`run ${k}/${runs} starting (namespaces sc-<scenario>-${runSession.runId})`);
      const result = await runScenarios(runSession, scenarios, settings, {
        root: REPO_ROOT,
        signal,
        progress,
      });
      pids = await componentPids(choice.provider);
      restarts.push(...restartsBetween(before, pids, 'during the run'));
      if (signal.aborted) {
        interruptedRun = k;
        say(`run ${k}/${runs} interrupted; its namespaces are deleted and it is not counted`);
        break;
      }
      // The reports name the run by its place in the soak; its namespaces carry runSession.runId.
      const paths = await publishReports({ ...result, runId: label }, soakDir, {
        screenshot: false,
        progress,
      });
      await writeFile(join(paths.dir, 'progress.log'), `${lines.join('\n')}\n`);
      const run: SoakRun = { index: k, result, reportDir: paths.dir, restarts };
      done.push(run);
      say(runLine(run, runs));
      await writeResults();
    }
  } finally {
    await session.close();
  }

  if (!done.length) {
    say('no run finished; nothing to summarize');
    return signal.aborted ? ExitCode.interrupted : ExitCode.scenarioFailed;
  }
  const text = await writeResults();
  process.stdout.write(`${text}\nsoak results: ${join(soakDir, 'soak.json')}\n`);
  if (signal.aborted) return ExitCode.interrupted;
  const verdicts = done.map((r) => r.result.verdict);
  if (verdicts.includes('fail')) return ExitCode.scenarioFailed;
  if (verdicts.includes('undecided')) return ExitCode.undecided;
  return ExitCode.ok;
}

// Ctrl-C (or SIGTERM) aborts: the run in flight cleans up; a second one exits at once.
const controller = new AbortController();
let interrupts = 0;
const onSignal = (name: NodeJS.Signals) => {
  interrupts++;
  if (interrupts > 1) process.exit(ExitCode.interrupted);
  process.stderr.write(`\n${name}: stopping after cleaning up (press again to exit at once)\n`);
  controller.abort();
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

const debug = process.argv.includes('--debug');
soak(process.argv.slice(2), controller.signal).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (controller.signal.aborted) {
      process.stderr.write(`soak: interrupted: ${describeError(error).split('\n')[0]}\n`);
      process.exit(ExitCode.interrupted);
    }
    if (error instanceof UserError) {
      process.stderr.write(`soak: ${error.message}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(`soak: unexpected error: ${describeError(error)} (--debug for the stack).\n`);
    if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n`);
    process.exit(ExitCode.scenarioFailed);
  },
);
