import { describe, expect, it } from 'vitest';
import { exampleRun } from '../testing/example-run.js';
import { toJsonReport, type JsonReport } from './json.js';
import { toJUnitXml } from './junit.js';
import { buildMatrix, matrixHtml, matrixJUnit, matrixMarkdown, type MatrixInput } from './matrix.js';

const run = await exampleRun();
const base = toJsonReport(run);
/** The example run as one version, with its version and scenarios rewritten by `edit`. */
const asVersion = (version: string, edit: (r: JsonReport) => void = () => {}): JsonReport => {
  const report = structuredClone(base);
  report.kubernetesVersion = `v${version}`;
  edit(report);
  return report;
};
const firstPassing = base.scenarios.find((s) => s.verdict === 'pass')!;
const rule = firstPassing.assertions[0]!.rule;

const input: MatrixInput = {
  id: 'matrix-test',
  startedAt: '2026-12-01T12:00:00Z',
  durationMs: 300_000,
  versions: [
    { version: '1.36.3', status: 'ran', durationMs: 120_000, reportDir: '/r/a', report: asVersion('1.36.3') },
    {
      version: '1.37.2',
      status: 'ran',
      durationMs: 121_000,
      reportDir: '/r/b',
      report: asVersion('1.37.2', (r) => {
        const s = r.scenarios.find((x) => x.name === firstPassing.name)!;
        s.verdict = 'fail';
        s.assertions[0]!.verdict = 'fail';
      }),
    },
    {
      version: '1.38.0-beta.0',
      status: 'failed',
      durationMs: 30_000,
      failure: {
        step: 'build',
        message: 'Building kubernetes v1.38.0-beta.0 failed at go build',
        log: '/c/build.log',
      },
    },
  ],
};

describe('buildMatrix', () => {
  const matrix = buildMatrix(input);

  it('lays every scenario and rule over the versions, a failed version left absent', () => {
    expect(matrix.versions.map((v) => [v.version, v.status])).toEqual([
      ['1.36.3', 'ran'],
      ['1.37.2', 'ran'],
      ['1.38.0-beta.0', 'failed'],
    ]);
    expect(matrix.versions[2]?.failure?.log).toBe('/c/build.log');
    const row = matrix.rules.find((r) => r.scenario === firstPassing.name && r.rule === rule)!;
    expect(row.cells).toEqual(['pass', 'fail', 'absent']);
    expect(matrix.scenarios.map((s) => s.scenario)).toEqual(base.scenarios.map((s) => s.name));
  });

  it('marks where a verdict changed from the previous version, and only there', () => {
    const row = matrix.rules.find((r) => r.scenario === firstPassing.name && r.rule === rule)!;
    expect(row.changedAt).toEqual([1]);
    const scenario = matrix.scenarios.find((s) => s.scenario === firstPassing.name)!;
    expect(scenario.changedAt).toEqual([1]);
    const unchanged = matrix.rules.filter((r) => r.changedAt.length > 0);
    expect(unchanged).toHaveLength(1);
  });

  it('carries measurements per version, and a not-applicable scenario with its reason', () => {
    const measured = matrix.rules.find((r) => r.unit === 'ms')!;
    expect(measured.values.slice(0, 2).every((v) => typeof v === 'number')).toBe(true);
    expect(measured.values[2]).toBeNull();
    const na = buildMatrix({
      ...input,
      versions: [
        {
          ...input.versions[0]!,
          report: asVersion('1.34.4', (r) => {
            const s = r.scenarios[0]!;
            s.verdict = 'not-applicable';
            s.notApplicable = 'not applicable on v1.34.4: gate G arrived in v1.35 (alpha)';
            s.assertions = [];
          }),
        },
      ],
    });
    expect(na.scenarios[0]?.cells).toEqual(['not-applicable']);
    expect(na.scenarios[0]?.notes).toEqual(['not applicable on v1.34.4: gate G arrived in v1.35 (alpha)']);
  });
});

describe('matrix reports', () => {
  const matrix = buildMatrix(input);

  it('HTML: the versions, the grid with changes outlined, measurements as small multiples', () => {
    const page = matrixHtml(matrix);
    expect(page).toContain('Native sidecars across 3 Kubernetes versions');
    expect(page).toContain('build failed');
    expect(page).toContain('/c/build.log');
    expect(page).toMatch(/class="cell fail changed"/);
    expect(page).toMatch(/<svg class="spark"/);
  });

  it('JUnit: one suite per version, a version that failed to come up as one errored case', () => {
    const xml = matrixJUnit(input, (v) => (v.report ? toJUnitXml(run) : undefined));
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuite name="kubernetes v1.36.3"');
    expect(xml).toContain('<testsuite name="kubernetes v1.38.0-beta.0" tests="1" failures="0" errors="1"');
    expect(xml).toContain(
      'build failed: Building kubernetes v1.38.0-beta.0 failed at go build (log /c/build.log)',
    );
  });

  it('Markdown: one row per scenario, a change in bold, a failed version named by its step', () => {
    const table = matrixMarkdown(matrix);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| Scenario | v1.36.3 | v1.37.2 | v1.38.0-beta.0 |');
    expect(lines.find((l) => l.startsWith(`| \`${firstPassing.name}\``))).toBe(
      `| \`${firstPassing.name}\` | pass | **FAIL** | build failed |`,
    );
  });
});
