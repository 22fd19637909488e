import { describe, expect, it } from 'vitest';
import type { AssertionResult, Verdict } from '../assert/result.js';
import { explainAssertion } from './explain.js';
import { exampleRun } from '../testing/example-run.js';
import { Timeline } from '../timeline/timeline.js';
import type { RunResult, ScenarioResult } from '../run/result.js';
import { formatSoak, nearestRank, runLine, spread, summarizeSoak, type SoakRun } from './soak.js';

const GAP_RULE = 'first-sidecar stops 3000–5000 ms after second-sidecar';

/** The example run (order's gap rule broken by a labelled mutation), changed per test run. */
function changeScenario(
  run: RunResult,
  name: string,
  change: (scenario: ScenarioResult) => ScenarioResult,
): RunResult {
  return { ...run, scenarios: run.scenarios.map((s) => (s.name === name ? change(s) : s)) };
}

function changeRule(
  scenario: ScenarioResult,
  rule: string,
  change: (assertion: AssertionResult) => AssertionResult,
): ScenarioResult {
  return { ...scenario, assertions: scenario.assertions.map((a) => (a.rule === rule ? change(a) : a)) };
}

const withVerdict = (verdict: Verdict) => (a: AssertionResult) => ({ ...a, verdict });
const withValue = (value: number) => (a: AssertionResult) =>
  a.measurement ? { ...a, measurement: { ...a.measurement, value } } : a;

describe('nearestRank', () => {
  const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);

  it('takes the value at rank ⌈p·n/100⌉', () => {
    expect(nearestRank(oneToTwenty, 50)).toBe(10);
    expect(nearestRank(oneToTwenty, 95)).toBe(19);
    expect(nearestRank(oneToTwenty, 100)).toBe(20);
    expect(nearestRank(oneToTwenty, 1)).toBe(1);
  });

  it('is always one of the values on small arrays', () => {
    expect(nearestRank([7], 50)).toBe(7);
    expect(nearestRank([7], 95)).toBe(7);
    expect(nearestRank([1, 2], 50)).toBe(1);
    expect(nearestRank([1, 2], 95)).toBe(2);
    expect(nearestRank([1, 2, 3], 50)).toBe(2);
    // 21 values: ⌈19.95⌉ = 20th.
    expect(nearestRank([...oneToTwenty, 21], 95)).toBe(20);
  });

  it('refuses an empty array and a percentile outside (0, 100]', () => {
    expect(() => nearestRank([], 50)).toThrow(RangeError);
    expect(() => nearestRank([1], 0)).toThrow(RangeError);
    expect(() => nearestRank([1], 101)).toThrow(RangeError);
  });
});

describe('spread', () => {
  it('sorts a copy and reports count, min, median, p95, max', () => {
    const values = [3100, 3040, 3188, 3050, 3060];
    expect(spread(values)).toEqual({ count: 5, min: 3040, median: 3060, p95: 3188, max: 3188 });
    expect(values).toEqual([3100, 3040, 3188, 3050, 3060]);
  });

  it('refuses no values', () => {
    expect(() => spread([])).toThrow(RangeError);
  });
});

describe('summarizeSoak', () => {
  async function threeRuns(): Promise<SoakRun[]> {
    const base = await exampleRun();
    // Run 1 as recorded (order's gap broken); run 2 also a basic rule undecided and the gap 2500 ms;
    // run 3 the gap within bounds at 3100 ms, and an API-server gap in the readiness timeline.
    const basicRule = base.scenarios.find((s) => s.name === 'basic')?.assertions[0]?.rule as string;
    const run2 = changeScenario(
      changeScenario(base, 'basic', (s) => changeRule(s, basicRule, withVerdict('undecided'))),
      'order',
      (s) => changeRule(s, GAP_RULE, withValue(2500)),
    );
    const blind = new Timeline(base.scenarios.find((s) => s.name === 'readiness')?.timeline.records, [
      { stream: 'api server', fromNs: 1_000_000_000n, toNs: 5_200_000_000n, why: 'connection refused' },
    ]);
    const run3 = changeScenario(
      changeScenario(base, 'order', (s) => ({
        ...changeRule(s, GAP_RULE, (a) => withValue(3100)(withVerdict('pass')(a))),
        verdict: 'pass',
      })),
      'readiness',
      (s) => ({ ...s, timeline: blind }),
    );
    return [
      { index: 1, result: base },
      { index: 2, result: { ...run2, durationMs: 118_000 } },
      {
        index: 3,
        result: { ...run3, verdict: 'pass', durationMs: 125_000 },
        restarts: ['kube-apiserver pid 1 → 2'],
      },
    ];
  }

  it('counts per rule how often it failed and was undecided', async () => {
    const summary = summarizeSoak(await threeRuns());
    expect(summary.runs).toBe(3);
    const gap = summary.rules.find((r) => r.scenario === 'order' && r.rule === GAP_RULE);
    expect(gap).toMatchObject({ runs: 3, failed: 2, undecided: 0, failedRuns: [1, 2] });
    const undecided = summary.rules.filter((r) => r.undecided);
    expect(undecided).toHaveLength(1);
    expect(undecided[0]).toMatchObject({ scenario: 'basic', undecided: 1, undecidedRuns: [2] });
    // Every other rule of the five scenarios passed in all three runs.
    expect(summary.rules.filter((r) => !r.failed && !r.undecided).every((r) => r.runs === 3)).toBe(true);
  });

  it('spreads each measurement across the runs, in run order', async () => {
    const summary = summarizeSoak(await threeRuns());
    const gap = summary.measurements.find((m) => m.scenario === 'order' && m.key === GAP_RULE);
    const recorded = gap?.values[0] as number;
    expect(gap).toMatchObject({ unit: 'ms', count: 3, values: [recorded, 2500, 3100], max: 3100 });
    expect(gap?.median).toBe([recorded, 2500, 3100].sort((a, b) => a - b)[1]);
    expect(gap?.p95MinusMedian).toBe((gap?.p95 as number) - (gap?.median as number));
    expect(summary.wallTimeMs).toMatchObject({ count: 3, min: 118_000, max: 125_000 });
    expect(Object.keys(summary.scenarioWallTimeMs)).toEqual([
      'basic',
      'order',
      'exit',
      'liveness',
      'readiness',
    ]);
  });

  it('explains each failure as it was the first time, broken rules first', async () => {
    const runs = await threeRuns();
    const summary = summarizeSoak(runs);
    expect(summary.findings.map((f) => [f.scenario, f.verdict, f.runs])).toEqual([
      ['order', 'fail', [1, 2]],
      ['basic', 'undecided', [2]],
    ]);
    const first = runs[0]?.result.scenarios
      .find((s) => s.name === 'order')
      ?.assertions.find((a) => a.rule === GAP_RULE) as AssertionResult;
    expect(summary.findings[0]?.explanation).toBe(explainAssertion(first));
    expect(summary.findings[0]?.firstRun).toBe(1);
  });

  it('lists the observation gaps and restarts of each run', async () => {
    const summary = summarizeSoak(await threeRuns());
    expect(summary.perRun.map((r) => r.gaps.length)).toEqual([0, 0, 1]);
    expect(summary.perRun[2]?.gaps[0]).toMatchObject({
      scenario: 'readiness',
      stream: 'api server',
      durationMs: 4200,
    });
    expect(summary.perRun[2]?.restarts).toEqual(['kube-apiserver pid 1 → 2']);
  });

  it('is empty for no runs', () => {
    expect(summarizeSoak([])).toMatchObject({
      runs: 0,
      wallTimeMs: null,
      rules: [],
      measurements: [],
      findings: [],
    });
  });
});

describe('the soak as text', () => {
  it('has one line per run with verdict counts, wall time and gaps', async () => {
    const base = await exampleRun();
    const line = runLine({ index: 3, result: { ...base, durationMs: 117_240 } }, 20);
    expect(line).toMatch(/^run {2}3\/20: FAIL/);
    expect(line).toContain('scenarios 4 passed, 1 failed, 0 undecided, 0 errored');
    expect(line).toMatch(/rules \d+\/\d+ passed, 1 failed, 0 undecided/);
    expect(line).toContain('wall 117.2 s');
    expect(line).not.toContain('gaps');
  });

  it('prints rules, measurements and each failure explained', async () => {
    const base = await exampleRun();
    const text = formatSoak(summarizeSoak([{ index: 1, result: base }]));
    expect(text).toContain(`! order      fail  1/1  undecided  0/1  ${GAP_RULE} (runs 1)`);
    expect(text).toMatch(/order +n=1 min \d+ {2}median \d+ {2}p95 \d+ {2}max \d+ ms/);
    expect(text).toContain('[order] failed in 1/1 (runs 1); run 1:');
    expect(text).toContain(`✗ ${GAP_RULE}`);
    expect(text).toContain('No observation gaps in any run.');
  });
});
