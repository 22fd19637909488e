import { describe, expect, it } from 'vitest';
import { exampleRun } from '../testing/example-run.js';
import { bandFor, DEFAULT_BAND, describeDiff, diffReports } from './diff.js';
import { toJsonReport, type JsonReport } from './json.js';

const report = async (): Promise<JsonReport> => JSON.parse(JSON.stringify(toJsonReport(await exampleRun())));

describe('diffReports', () => {
  it('finds nothing between a report and itself, and says how many rules it compared', async () => {
    const a = await report();
    const diff = diffReports(a, a);
    expect(diff).toMatchObject({ verdicts: [], moved: [], regressions: 0 });
    expect(diff.compared).toBe(a.scenarios.flatMap((s) => s.assertions).length);
    expect(describeDiff(diff)).toContain('no verdict changed and no measurement moved beyond its band');
  });

  it('calls pass → fail a regression, and fail → pass a change', async () => {
    const a = await report();
    const b = await report();
    const passing = b.scenarios.find((s) => s.name === 'exit')!.assertions[0]!;
    passing.verdict = 'fail';
    const failing = b.scenarios
      .find((s) => s.name === 'order')!
      .assertions.find((x) => x.verdict === 'fail')!;
    failing.verdict = 'pass';
    const diff = diffReports(a, b);
    expect(diff.regressions).toBe(1);
    expect(diff.verdicts).toEqual(
      [
        expect.objectContaining({
          scenario: 'order',
          rule: failing.rule,
          from: 'fail',
          to: 'pass',
          regression: false,
        }),
        expect.objectContaining({
          scenario: 'exit',
          rule: passing.rule,
          from: 'pass',
          to: 'fail',
          regression: true,
        }),
      ].sort(() => 0),
    );
    expect(describeDiff(diff)).toMatch(/^REGRESSION exit: /m);
  });

  it('reports a time that moved beyond its band, and not one within it', async () => {
    const a = await report();
    const b = await report();
    const gap = b.scenarios
      .find((s) => s.name === 'exit')!
      .assertions.find((x) => x.measurement?.unit === 'ms')!;
    const before = gap.measurement!.value;
    const band = bandFor('ms', before, DEFAULT_BAND);
    gap.measurement!.value = before + band - 1;
    expect(diffReports(a, b).moved).toEqual([]);
    gap.measurement!.value = before + band + 1;
    expect(diffReports(a, b).moved).toEqual([
      { scenario: 'exit', rule: gap.rule, unit: 'ms', from: before, to: before + band + 1, band },
    ]);
  });

  it('names a rule one run has and the other not', async () => {
    const a = await report();
    const b = await report();
    const dropped = b.scenarios[0]!.assertions.pop()!;
    expect(diffReports(a, b).verdicts).toEqual([
      expect.objectContaining({ rule: dropped.rule, from: dropped.verdict, to: 'absent', regression: false }),
    ]);
  });
});
