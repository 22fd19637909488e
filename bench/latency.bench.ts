/**
 * How late the harness sees what happens: runs the five seed scenarios once on the local cluster
 * (bringing the default cluster up if needed, taking it down only if it brought it up), then, for
 * each record kind that has a runtime record of the same container instance, prints observation
 * latency = when the harness saw the record − when the runtime says the fact happened (ns from
 * crictl). Log lines carry the runtime's own timestamp, so theirs is observed − line time.
 * Prints figures; asserts nothing.
 *
 *   npm run bench:latency                                   # run the five, then measure
 *   npm run bench:latency -- --from reports/latest/report.json  # measure a run already made
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { providerFor } from '../lib/cluster/providers.js';
import { describeError } from '../lib/errors.js';
import type { JsonReport } from '../lib/report/json.js';
import { runScenarios } from '../lib/run/conformance.js';
import { NO_RUNTIME_TIMES } from '../lib/run/result.js';
import { openSession } from '../lib/run/session.js';
import { runSettings } from '../lib/run/settings.js';
import { selectScenarios } from '../lib/scenarios/registry.js';
import type { TimelineRecord } from '../lib/timeline/record.js';
import { nsToMs } from '../lib/timeline/time.js';
import { Timeline } from '../lib/timeline/timeline.js';

const root = resolve(import.meta.dirname, '..');
const started = Date.now();
const progress = (line: string) =>
  process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

/** A container instance: its name and restart count (what status, log and runtime records share). */
const instanceOf = (r: TimelineRecord) => `${r.container ?? ''}#${r.restartCount ?? 0}`;

interface LatencyRow {
  what: string;
  /** Latencies in ms. */
  values: number[];
}

const ROWS = {
  statusStarted: 'status started     (observed − runtime started)',
  statusTerminated: 'status terminated  (observed − runtime finished)',
  eventStarted: 'event Started      (observed − runtime started)',
  runtimeStarted: 'runtime started    (observed − runtime started)',
  runtimeFinished: 'runtime finished   (observed − runtime finished)',
  log: 'log line           (observed − line time)',
} as const;

/** One scenario's latencies (ms) per row; instances are matched within that scenario's Pod only. */
function scenarioLatencies(records: TimelineRecord[]): Record<keyof typeof ROWS, number[]> {
  const runtime = records.filter((r) => r.source === 'runtime');
  const runtimeAt = (kind: 'started' | 'terminated') =>
    new Map(runtime.filter((r) => r.kind === kind).map((r) => [instanceOf(r), r]));
  const against = (kind: 'started' | 'terminated') => {
    const byInstance = runtimeAt(kind);
    return records
      .filter((r) => r.source === 'status' && r.kind === kind)
      .flatMap((r) => {
        const fact = byInstance.get(instanceOf(r));
        return fact ? [nsToMs(r.observedNs - fact.ns)] : [];
      });
  };
  // Events name the container, not the instance: the instance is the one the runtime started last
  // before the harness saw the event.
  const eventStarted = records
    .filter((r) => r.source === 'event' && r.kind === 'started')
    .flatMap((r) => {
      const starts = runtime.filter(
        (s) => s.kind === 'started' && s.container === r.container && s.ns <= r.observedNs,
      );
      const fact = starts.reduce<TimelineRecord | undefined>(
        (a, b) => (!a || b.ns > a.ns ? b : a),
        undefined,
      );
      return fact ? [nsToMs(r.observedNs - fact.ns)] : [];
    });
  const own = (kind: 'started' | 'terminated') =>
    runtime.filter((r) => r.kind === kind).map((r) => nsToMs(r.observedNs - r.ns));
  return {
    statusStarted: against('started'),
    statusTerminated: against('terminated'),
    eventStarted,
    runtimeStarted: own('started'),
    runtimeFinished: own('terminated'),
    log: records.filter((r) => r.source === 'log').map((r) => nsToMs(r.observedNs - r.ns)),
  };
}

/** The latency rows over several scenarios' timelines. */
function latencyRows(timelines: TimelineRecord[][]): LatencyRow[] {
  const perScenario = timelines.map(scenarioLatencies);
  return (Object.keys(ROWS) as (keyof typeof ROWS)[]).map((key) => ({
    what: ROWS[key],
    values: perScenario.flatMap((latencies) => latencies[key]),
  }));
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

function table(rows: LatencyRow[]): string {
  const lines = [
    `${'record'.padEnd(50)} ${'count'.padStart(6)} ${'median ms'.padStart(10)} ${'p95 ms'.padStart(10)}`,
  ];
  for (const { what, values } of rows) {
    const sorted = [...values].sort((a, b) => a - b);
    const cell = (v: number) => (sorted.length ? v.toFixed(1) : '—').padStart(10);
    lines.push(
      `${what.padEnd(50)} ${String(sorted.length).padStart(6)} ${cell(percentile(sorted, 50))} ${cell(percentile(sorted, 95))}`,
    );
  }
  return lines.join('\n');
}

/** Prints the table for one run's timelines. */
function report(title: string, timelines: TimelineRecord[][], runtimeTimes: string): void {
  const rows = latencyRows(timelines);
  console.log(title);
  if (!timelines.flat().some((r) => r.source === 'runtime')) {
    console.log(
      `no runtime records: the timelines hold none (container times: ${runtimeTimes}), so only log lines are measured.`,
    );
    console.log(table(rows.filter((r) => r.what === ROWS.log)));
  } else {
    console.log(table(rows));
  }
  console.log(
    'event Killing is not compared: it comes before the exit (runtime finished − Killing is the stop time).',
  );
}

const { values: flags } = parseArgs({ options: { from: { type: 'string' } } });
if (flags.from) {
  // A run already made: its report.json (no cluster needed).
  const json = JSON.parse(await readFile(flags.from, 'utf8')) as JsonReport;
  report(
    `observation latency, ${json.scenarios.length} scenarios from ${flags.from}, Kubernetes ${json.kubernetesVersion}`,
    json.scenarios.map((s) => Timeline.fromJSON(s.timeline).records),
    json.cluster.runtimeTimes ?? NO_RUNTIME_TIMES,
  );
} else {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const session = await openSession({ provider: providerFor({}) }, progress, controller.signal);
  try {
    progress(`container times: ${session.cluster.runtimeTimes}`);
    const scenarios = selectScenarios({ suite: 'seed' });
    progress(`running ${scenarios.length} seed scenarios once on ${session.cluster.server}`);
    const run = await runScenarios(session, scenarios, runSettings(), {
      root,
      signal: controller.signal,
      progress,
    });
    for (const scenario of run.scenarios) {
      if (scenario.error) progress(`${scenario.name}: ${scenario.error}`);
    }
    report(
      `observation latency, ${run.scenarios.length} scenarios, Kubernetes ${run.cluster.kubernetesVersion}, run ${run.runId}`,
      run.scenarios.map((s) => s.timeline.records),
      session.cluster.runtimeTimes,
    );
  } catch (error) {
    console.error(describeError(error));
    process.exitCode = 1;
  } finally {
    await session.close();
  }
}
