import type { Measurement, Verdict } from '../assert/result.js';
import { explainAssertion } from './explain.js';
import { measurementMap } from './json.js';
import { formatTimeNs, nsToMs } from '../timeline/time.js';
import type { RunResult } from '../run/result.js';

/**
 * A soak's statistics: the same scenarios run N times one after another on one cluster, then per
 * rule how often it failed or could not be decided, per measurement its spread, and each failure
 * with the explanation of its first occurrence. Pure: the runs in, figures and text out
 * (scripts/soak.ts does the running and the writing).
 */

/** count, min, median, p95 and max of a set of values; median and p95 by nearest rank. */
export interface Spread {
  count: number;
  min: number;
  median: number;
  p95: number;
  max: number;
}

/**
 * The nearest-rank percentile of an ascending array: the value at rank ⌈p/100 · n⌉ (1-based), so
 * always one of the values, never an interpolation. p in (0, 100].
 */
export function nearestRank(sorted: readonly number[], percent: number): number {
  if (!sorted.length) throw new RangeError('nearestRank needs at least one value');
  if (!(percent > 0 && percent <= 100)) throw new RangeError(`percentile ${percent} is not in (0, 100]`);
  const rank = Math.max(1, Math.ceil((percent * sorted.length) / 100));
  return sorted[rank - 1] as number;
}

/** The spread of values in any order (not modified). */
export function spread(values: readonly number[]): Spread {
  if (!values.length) throw new RangeError('spread needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    min: sorted[0] as number,
    median: nearestRank(sorted, 50),
    p95: nearestRank(sorted, 95),
    max: sorted.at(-1) as number,
  };
}

/** One finished run of the soak, numbered from 1. */
export interface SoakRun {
  index: number;
  result: RunResult;
  /** Where its reports went. */
  reportDir?: string;
  /** Control-plane or node processes seen restarting around it ("kube-apiserver pid 6745 → 7101"). */
  restarts?: string[];
}

/** A stretch one scenario's observer was blind in (a fault on the cluster shows as these). */
export interface SoakGap {
  scenario: string;
  stream: string;
  from: string;
  to: string;
  durationMs: number;
  why: string;
}

export interface SoakRunSummary {
  index: number;
  runId: string;
  reportDir: string | null;
  startedAt: string;
  durationMs: number;
  verdict: Verdict;
  scenarios: { passed: number; failed: number; undecided: number; errored: number };
  rules: { total: number; passed: number; failed: number; undecided: number };
  gaps: SoakGap[];
  restarts: string[];
}

export interface RuleStat {
  scenario: string;
  rule: string;
  /** In how many runs the rule was checked. */
  runs: number;
  failed: number;
  undecided: number;
  failedRuns: number[];
  undecidedRuns: number[];
}

export interface MeasurementStat extends Spread {
  scenario: string;
  /** The measurement map's key: the rule sentence (` #2` for a repeat). */
  key: string;
  unit: Measurement['unit'];
  /** p95 − median: how far a usual bad run strays above the middle. */
  p95MinusMedian: number;
  /** The values in run order, for a second look. */
  values: number[];
}

/** A rule that did not pass in some runs, explained as it was the first time. */
export interface SoakFinding {
  scenario: string;
  rule: string;
  verdict: Exclude<Verdict, 'pass'>;
  runs: number[];
  firstRun: number;
  explanation: string;
}

/** A scenario that could not run to the end (timeout, API error), besides its rules. */
export interface ScenarioErrorStat {
  scenario: string;
  runs: number[];
  firstError: string;
}

export interface SoakSummary {
  runs: number;
  wallTimeMs: Spread | null;
  scenarioWallTimeMs: Record<string, Spread>;
  perRun: SoakRunSummary[];
  rules: RuleStat[];
  measurements: MeasurementStat[];
  findings: SoakFinding[];
  errors: ScenarioErrorStat[];
}

/** Keyed by scenario and sentence; a sentence repeated within one scenario gets ` #2`, ` #3`, as in measurementMap. */
function ruleKeys(rules: readonly { rule: string }[]): string[] {
  const seen = new Set<string>();
  return rules.map(({ rule }) => {
    let key = rule;
    for (let n = 2; seen.has(key); n++) key = `${rule} #${n}`;
    seen.add(key);
    return key;
  });
}

const countOf = <T>(items: readonly T[], test: (item: T) => boolean) => items.filter(test).length;

function summarizeRun(run: SoakRun): SoakRunSummary {
  const { result } = run;
  const assertions = result.scenarios.flatMap((s) => s.assertions);
  return {
    index: run.index,
    runId: result.runId,
    reportDir: run.reportDir ?? null,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    verdict: result.verdict,
    scenarios: {
      passed: countOf(result.scenarios, (s) => s.verdict === 'pass'),
      failed: countOf(result.scenarios, (s) => s.verdict === 'fail' && s.error === undefined),
      undecided: countOf(result.scenarios, (s) => s.verdict === 'undecided'),
      errored: countOf(result.scenarios, (s) => s.error !== undefined),
    },
    rules: {
      total: assertions.length,
      passed: countOf(assertions, (a) => a.verdict === 'pass'),
      failed: countOf(assertions, (a) => a.verdict === 'fail'),
      undecided: countOf(assertions, (a) => a.verdict === 'undecided'),
    },
    gaps: result.scenarios.flatMap((s) =>
      s.timeline.gaps.map((gap) => ({
        scenario: s.name,
        stream: gap.stream,
        from: formatTimeNs(gap.fromNs),
        to: formatTimeNs(gap.toNs),
        durationMs: Math.round(nsToMs(gap.toNs - gap.fromNs)),
        why: gap.why,
      })),
    ),
    restarts: run.restarts ?? [],
  };
}

/** Everything the soak's runs say, in the order the scenarios and their rules first appeared. */
export function summarizeSoak(runs: readonly SoakRun[]): SoakSummary {
  const rules = new Map<string, RuleStat>();
  const measurements = new Map<string, Omit<MeasurementStat, keyof Spread | 'p95MinusMedian'>>();
  const findings = new Map<string, SoakFinding>();
  const errors = new Map<string, ScenarioErrorStat>();
  const scenarioTimes = new Map<string, number[]>();
  for (const run of runs) {
    for (const scenario of run.result.scenarios) {
      const times = scenarioTimes.get(scenario.name) ?? [];
      times.push(scenario.durationMs);
      scenarioTimes.set(scenario.name, times);
      if (scenario.error !== undefined) {
        const stat = errors.get(scenario.name);
        if (stat) stat.runs.push(run.index);
        else
          errors.set(scenario.name, {
            scenario: scenario.name,
            runs: [run.index],
            firstError: scenario.error,
          });
      }
      const keys = ruleKeys(scenario.assertions);
      scenario.assertions.forEach((assertion, i) => {
        const rule = keys[i] as string;
        const id = `${scenario.name}\u0000${rule}`;
        let stat = rules.get(id);
        if (!stat) {
          stat = {
            scenario: scenario.name,
            rule,
            runs: 0,
            failed: 0,
            undecided: 0,
            failedRuns: [],
            undecidedRuns: [],
          };
          rules.set(id, stat);
        }
        stat.runs++;
        if (assertion.verdict === 'pass') return;
        if (assertion.verdict === 'fail') {
          stat.failed++;
          stat.failedRuns.push(run.index);
        } else {
          stat.undecided++;
          stat.undecidedRuns.push(run.index);
        }
        const findingId = `${id}\u0000${assertion.verdict}`;
        const finding = findings.get(findingId);
        if (finding) finding.runs.push(run.index);
        else {
          findings.set(findingId, {
            scenario: scenario.name,
            rule,
            verdict: assertion.verdict,
            runs: [run.index],
            firstRun: run.index,
            explanation: explainAssertion(assertion),
          });
        }
      });
      for (const [key, { value, unit }] of Object.entries(measurementMap(scenario))) {
        const id = `${scenario.name}\u0000${key}`;
        const stat = measurements.get(id);
        if (stat) stat.values.push(value);
        else measurements.set(id, { scenario: scenario.name, key, unit, values: [value] });
      }
    }
  }
  const walls = runs.map((r) => r.result.durationMs);
  return {
    runs: runs.length,
    wallTimeMs: walls.length ? spread(walls) : null,
    scenarioWallTimeMs: Object.fromEntries([...scenarioTimes].map(([name, times]) => [name, spread(times)])),
    perRun: runs.map(summarizeRun),
    rules: [...rules.values()],
    measurements: [...measurements.values()].map((m) => {
      const s = spread(m.values);
      return { ...m, ...s, p95MinusMedian: s.p95 - s.median };
    }),
    // Broken rules first, then undecided ones; each group in order of first appearance.
    findings: [
      ...[...findings.values()].filter((f) => f.verdict === 'fail'),
      ...[...findings.values()].filter((f) => f.verdict === 'undecided'),
    ],
    errors: [...errors.values()],
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Groups a run's gaps by stream: `api server 4.2 s (basic, order)`. */
function describeGaps(gaps: readonly SoakGap[]): string {
  const byStream = new Map<string, { longestMs: number; scenarios: Set<string> }>();
  for (const gap of gaps) {
    const entry = byStream.get(gap.stream) ?? { longestMs: 0, scenarios: new Set<string>() };
    entry.longestMs = Math.max(entry.longestMs, gap.durationMs);
    entry.scenarios.add(gap.scenario);
    byStream.set(gap.stream, entry);
  }
  return [...byStream]
    .map(([stream, e]) => `${stream} up to ${seconds(e.longestMs)} (${[...e.scenarios].join(', ')})`)
    .join('; ');
}

/** The one progress line per finished run. */
export function runLine(run: SoakRun, total: number): string {
  const s = summarizeRun(run);
  const width = String(total).length;
  const parts = [
    `run ${String(s.index).padStart(width)}/${total}: ${s.verdict.toUpperCase().padEnd(9)}`,
    `scenarios ${s.scenarios.passed} passed, ${s.scenarios.failed} failed, ${s.scenarios.undecided} undecided, ${s.scenarios.errored} errored`,
    `rules ${s.rules.passed}/${s.rules.total} passed, ${s.rules.failed} failed, ${s.rules.undecided} undecided`,
    `wall ${seconds(s.durationMs)}`,
  ];
  if (s.gaps.length) parts.push(`gaps: ${describeGaps(s.gaps)}`);
  if (s.restarts.length) parts.push(`restarted: ${s.restarts.join(', ')}`);
  return parts.join(' | ');
}

const formatValue = (value: number, unit: Measurement['unit']) =>
  unit === 'ms' ? `${Math.round(value)}` : `${value}`;

const runList = (runs: readonly number[]) => (runs.length ? ` (runs ${runs.join(', ')})` : '');

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

/** The soak's figures as text: wall times, per rule, per measurement, then each failure explained. */
export function formatSoak(summary: SoakSummary): string {
  const n = summary.runs;
  const lines: string[] = [];
  const w = summary.wallTimeMs;
  lines.push(
    `${n} run(s)` +
      (w
        ? `; wall time per run min ${seconds(w.min)}, median ${seconds(w.median)}, p95 ${seconds(w.p95)}, max ${seconds(w.max)}`
        : ''),
  );
  for (const [name, s] of Object.entries(summary.scenarioWallTimeMs)) {
    lines.push(
      `  ${name.padEnd(10)} scenario wall time min ${seconds(s.min)}, median ${seconds(s.median)}, p95 ${seconds(s.p95)}, max ${seconds(s.max)}`,
    );
  }

  lines.push('', `Rules (failed / undecided, out of the runs that checked them):`);
  for (const r of summary.rules) {
    const flag = r.failed || r.undecided ? '!' : ' ';
    lines.push(
      `${flag} ${r.scenario.padEnd(10)} fail ${String(r.failed).padStart(2)}/${r.runs}  undecided ${String(r.undecided).padStart(2)}/${r.runs}  ${r.rule}${runList([...r.failedRuns, ...r.undecidedRuns].sort((a, b) => a - b))}`,
    );
  }

  lines.push('', 'Measurements (nearest-rank median and p95):');
  for (const m of summary.measurements) {
    const v = (x: number) => formatValue(x, m.unit);
    lines.push(
      `  ${m.scenario.padEnd(10)} n=${m.count} min ${v(m.min)}  median ${v(m.median)}  p95 ${v(m.p95)}  max ${v(m.max)} ${m.unit}  (p95−median ${v(m.p95MinusMedian)})  ${m.key}`,
    );
  }

  const gapRuns = summary.perRun.filter((r) => r.gaps.length || r.restarts.length);
  lines.push(
    '',
    gapRuns.length
      ? 'Runs with observation gaps or restarted components:'
      : 'No observation gaps in any run.',
  );
  for (const r of gapRuns) {
    const what = [
      r.gaps.length ? `gaps: ${describeGaps(r.gaps)}` : '',
      r.restarts.length ? `restarted: ${r.restarts.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
    lines.push(`  run ${r.index}: ${what}`);
  }

  if (summary.errors.length) {
    lines.push('', 'Scenarios that did not run to the end:');
    for (const e of summary.errors) {
      lines.push(
        `  ${e.scenario}: ${e.runs.length}/${n}${runList(e.runs)}; first: ${e.firstError.split('\n')[0]}`,
      );
    }
  }

  lines.push(
    '',
    summary.findings.length
      ? 'Rules that did not pass (first occurrence explained):'
      : 'Every rule passed in every run.',
  );
  for (const f of summary.findings) {
    lines.push(
      `  [${f.scenario}] ${f.verdict === 'fail' ? 'failed' : 'undecided'} in ${f.runs.length}/${n}${runList(f.runs)}; run ${f.firstRun}:`,
      indent(f.explanation, '    '),
    );
  }
  return lines.join('\n');
}
