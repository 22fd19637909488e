import type { Verdict } from '../assert/result.js';
import type { ScenarioVerdict } from '../run/result.js';
import { escapeAttribute, escapeText } from './escape.js';
import type { JsonReport } from './json.js';
import { html, raw, type Markup } from './markup.js';

/**
 * One run over several Kubernetes versions (`run --versions`): each version's report.json, or the
 * step it stopped at, put side by side — rules × versions, measurements × versions, and what changed
 * between one version and the next.
 */

/** What became of one version in the matrix. */
export interface MatrixVersion {
  /** `1.37.2`, `1.38.0-beta.0`. */
  version: string;
  status: 'ran' | 'failed';
  durationMs: number;
  /** Where its own reports are (report.json, report.html, junit.xml). */
  reportDir?: string;
  report?: JsonReport;
  /** A version that could not be built or started, or whose run broke off: the step, one sentence, its log. */
  failure?: { step: 'build' | 'up' | 'run'; message: string; log?: string };
}

export interface MatrixInput {
  id: string;
  startedAt: string;
  durationMs: number;
  /** In version order, oldest first. */
  versions: MatrixVersion[];
}

/** A cell: a rule's verdict, the scenario's (not applicable, errored), or nothing (not run there). */
export type Cell = Verdict | 'not-applicable' | 'error' | 'absent';

export interface MatrixRow {
  scenario: string;
  /** The rule sentence; `(scenario)` for the scenario's own verdict. */
  rule: string;
  cells: Cell[];
  /** Per version, why a cell is not applicable or errored (else empty). */
  notes: string[];
  /** Per version: the measured value, when the rule measures one. */
  values: (number | null)[];
  unit?: 'ms' | 'count';
  /** Indices of versions whose cell differs from the previous version's that ran. */
  changedAt: number[];
}

export interface MatrixJson {
  schemaVersion: 1;
  id: string;
  startedAt: string;
  durationMs: number;
  versions: {
    version: string;
    status: 'ran' | 'failed';
    durationMs: number;
    reportDir: string | null;
    verdict: Verdict | null;
    containerRuntime: string | null;
    failure: MatrixVersion['failure'] | null;
    counts: Record<'pass' | 'fail' | 'undecided' | 'not-applicable', number> | null;
  }[];
  scenarios: MatrixRow[];
  rules: MatrixRow[];
}

const SCENARIO_ROW = '(scenario)';

function scenarioCell(verdict: ScenarioVerdict, error: string | null): Cell {
  if (error !== null) return 'error';
  return verdict;
}

/** Keys a scenario's rules as diff does: a repeated sentence gets ` #2`. */
function keyedRules(report: JsonReport, scenario: string) {
  const found = report.scenarios.find((s) => s.name === scenario);
  const keyed = new Map<string, { verdict: Verdict; value?: number; unit?: 'ms' | 'count' }>();
  for (const a of found?.assertions ?? []) {
    let key = a.rule;
    for (let n = 2; keyed.has(key); n++) key = `${a.rule} #${n}`;
    keyed.set(key, {
      verdict: a.verdict,
      ...(a.measurement ? { value: a.measurement.value, unit: a.measurement.unit } : {}),
    });
  }
  return keyed;
}

function changes(cells: Cell[]): number[] {
  const at: number[] = [];
  let previous: Cell | undefined;
  cells.forEach((cell, i) => {
    if (cell === 'absent') return;
    if (previous !== undefined && cell !== previous) at.push(i);
    previous = cell;
  });
  return at;
}

/** The grid: every scenario and every rule seen in any version, in the order they first appear. */
export function buildMatrix(input: MatrixInput): MatrixJson {
  const scenarioNames: string[] = [];
  const ruleKeys = new Map<string, string[]>();
  for (const v of input.versions) {
    for (const s of v.report?.scenarios ?? []) {
      if (!scenarioNames.includes(s.name)) scenarioNames.push(s.name);
      const keys = ruleKeys.get(s.name) ?? [];
      for (const key of keyedRules(v.report as JsonReport, s.name).keys()) {
        if (!keys.includes(key)) keys.push(key);
      }
      ruleKeys.set(s.name, keys);
    }
  }
  const scenarios: MatrixRow[] = scenarioNames.map((name) => {
    const cells: Cell[] = [];
    const notes: string[] = [];
    for (const v of input.versions) {
      const s = v.report?.scenarios.find((x) => x.name === name);
      cells.push(s ? scenarioCell(s.verdict, s.error) : 'absent');
      notes.push(s?.notApplicable ?? s?.error ?? (v.status === 'failed' ? `${v.failure?.step} failed` : ''));
    }
    return {
      scenario: name,
      rule: SCENARIO_ROW,
      cells,
      notes,
      values: cells.map(() => null),
      changedAt: changes(cells),
    };
  });
  const rules: MatrixRow[] = [];
  for (const name of scenarioNames) {
    for (const key of ruleKeys.get(name) ?? []) {
      const cells: Cell[] = [];
      const values: (number | null)[] = [];
      let unit: 'ms' | 'count' | undefined;
      for (const v of input.versions) {
        const rule = v.report ? keyedRules(v.report, name).get(key) : undefined;
        const s = v.report?.scenarios.find((x) => x.name === name);
        cells.push(rule?.verdict ?? (s?.verdict === 'not-applicable' ? 'not-applicable' : 'absent'));
        values.push(rule?.value ?? null);
        unit ??= rule?.unit;
      }
      rules.push({
        scenario: name,
        rule: key,
        cells,
        notes: cells.map(() => ''),
        values,
        ...(unit ? { unit } : {}),
        changedAt: changes(cells),
      });
    }
  }
  return {
    schemaVersion: 1,
    id: input.id,
    startedAt: input.startedAt,
    durationMs: input.durationMs,
    versions: input.versions.map((v) => {
      const count = (verdict: string) => v.report?.scenarios.filter((s) => s.verdict === verdict).length ?? 0;
      return {
        version: v.version,
        status: v.status,
        durationMs: v.durationMs,
        reportDir: v.reportDir ?? null,
        verdict: v.report?.verdict ?? null,
        containerRuntime: v.report?.cluster.containerRuntimeVersion ?? null,
        failure: v.failure ?? null,
        counts: v.report
          ? {
              pass: count('pass'),
              fail: count('fail'),
              undecided: count('undecided'),
              'not-applicable': count('not-applicable'),
            }
          : null,
      };
    }),
    scenarios,
    rules,
  };
}

const CELL_WORD: Record<Cell, string> = {
  pass: 'pass',
  fail: 'FAIL',
  undecided: 'undecided',
  'not-applicable': 'n/a',
  error: 'ERROR',
  absent: '—',
};

const shortMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

/** A small bar chart of one measurement across the versions (a gap where it was not measured). */
function sparkline(row: MatrixRow, versions: string[]): Markup {
  const width = 22;
  const height = 36;
  const present = row.values.filter((v): v is number => v !== null);
  const max = Math.max(...present, 1);
  const bars = row.values.map((value, i) => {
    if (value === null) return '';
    const h = Math.max(1, Math.round((value / max) * (height - 4)));
    const changed = row.changedAt.includes(i) ? ' changed' : '';
    return `<rect class="bar ${row.cells[i]}${changed}" x="${i * width + 3}" y="${height - h}" width="${width - 6}" height="${h}"><title>${escapeText(`${versions[i]}: ${row.unit === 'ms' ? shortMs(value) : value}`)}</title></rect>`;
  });
  return raw(
    `<svg class="spark" width="${versions.length * width}" height="${height}" role="img" aria-label="${escapeAttribute(row.rule)}">${bars.join('')}</svg>`,
  );
}

function cellMarkup(row: MatrixRow, i: number): Markup {
  const cell = row.cells[i] as Cell;
  const changed = row.changedAt.includes(i) ? ' changed' : '';
  const value = row.values[i];
  const shown =
    value !== null && value !== undefined && row.unit ? ` ${row.unit === 'ms' ? shortMs(value) : value}` : '';
  const note = row.notes[i] ?? '';
  return html`<td class="cell ${cell}${changed}" title="${note}">${CELL_WORD[cell]}${shown}</td>`;
}

const MATRIX_CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1f2328; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
th, td { border: 1px solid #d0d7de; padding: 3px 6px; vertical-align: top; }
th { background: #f6f8fa; position: sticky; top: 0; }
td.rule { max-width: 46rem; }
td.cell { text-align: center; white-space: nowrap; font-size: 12px; }
td.pass { background: #dafbe1; } td.fail, td.error { background: #ffebe9; font-weight: 600; }
td.undecided { background: #fff8c5; } td.not-applicable { background: #eaeef2; color: #57606a; }
td.absent { color: #8c959f; }
td.changed { outline: 3px solid #bf8700; outline-offset: -3px; }
tr.scenario td { border-top: 2px solid #8c959f; font-weight: 600; }
.meta { color: #57606a; } .mono { font-family: ui-monospace, monospace; }
svg.spark rect.bar { fill: #54aeff; } svg.spark rect.bar.fail { fill: #cf222e; } svg.spark rect.bar.changed { fill: #bf8700; }
`;

/** The matrix as one page: versions, the scenario × version grid with its rules, measurements as small multiples. */
export function matrixHtml(matrix: MatrixJson): string {
  const versions = matrix.versions.map((v) => `v${v.version}`);
  const head = html`<tr>
    <th>scenario / rule</th>
    ${versions.map((v) => html`<th>${v}</th>`)}
  </tr>`;
  const versionRows = matrix.versions.map(
    (v) =>
      html`<tr>
        <td class="mono">v${v.version}</td>
        <td class="cell ${v.status === 'ran' ? (v.verdict ?? 'absent') : 'error'}">
          ${v.status === 'ran' ? CELL_WORD[v.verdict ?? 'absent'] : `${v.failure?.step} failed`}
        </td>
        <td>
          ${v.counts ? `${v.counts.pass} pass, ${v.counts.fail} fail, ${v.counts.undecided} undecided, ${v.counts['not-applicable']} n/a` : (v.failure?.message ?? '')}
        </td>
        <td class="mono">${v.failure?.log ?? v.reportDir ?? ''}</td>
        <td>${v.containerRuntime ?? ''}</td>
        <td>${(v.durationMs / 1000).toFixed(0)} s</td>
      </tr>`,
  );
  const grid: Markup[] = [];
  for (const scenario of matrix.scenarios) {
    grid.push(
      html`<tr class="scenario">
        <td>${scenario.scenario}</td>
        ${scenario.cells.map((_, i) => cellMarkup(scenario, i))}
      </tr>`,
    );
    for (const rule of matrix.rules.filter((r) => r.scenario === scenario.scenario)) {
      grid.push(
        html`<tr>
          <td class="rule">${rule.rule}</td>
          ${rule.cells.map((_, i) => cellMarkup(rule, i))}
        </tr>`,
      );
    }
  }
  const measured = matrix.rules.filter((r) => r.unit === 'ms' && r.values.some((v) => v !== null));
  const changedRules = matrix.rules.filter((r) => r.changedAt.length > 0).length;
  const changedScenarios = matrix.scenarios.filter((r) => r.changedAt.length > 0).length;
  return `<!doctype html>\n${html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <title>sidecar-conformance matrix ${matrix.id}</title>
      <style>
        ${raw(MATRIX_CSS)}
      </style>
    </head>
    <body>
      <h1>Native sidecars across ${versions.length} Kubernetes versions</h1>
      <p class="meta">
        matrix ${matrix.id} · started ${matrix.startedAt} · ${(matrix.durationMs / 1000).toFixed(0)} s wall
        time · ${changedScenarios} scenario(s) and ${changedRules} rule(s) change between adjacent versions
        (outlined)
      </p>
      <h2>Versions</h2>
      <table>
        <tr>
          <th>version</th>
          <th>verdict</th>
          <th>scenarios</th>
          <th>reports / log</th>
          <th>container runtime</th>
          <th>time</th>
        </tr>
        ${versionRows}
      </table>
      <h2>Rules × versions</h2>
      <table>
        ${head}${grid}
      </table>
      <h2>Measurements × versions</h2>
      <table>
        <tr>
          <th>scenario</th>
          <th>measurement</th>
          <th>${versions.join(' · ')}</th>
          <th>values</th>
        </tr>
        ${measured.map(
          (r) =>
            html`<tr>
              <td class="mono">${r.scenario}</td>
              <td class="rule">${r.rule}</td>
              <td>${sparkline(r, versions)}</td>
              <td class="mono">${r.values.map((v) => (v === null ? '—' : shortMs(v))).join(' · ')}</td>
            </tr>`,
        )}
      </table>
    </body>
  </html>`.toString()}\n`;
}

/** One JUnit document, one test suite per version (a version that failed to come up is one errored case). */
export function matrixJUnit(
  input: MatrixInput,
  junitOf: (version: MatrixVersion) => string | undefined,
): string {
  const suites: string[] = [];
  for (const v of input.versions) {
    const xml = junitOf(v);
    const inner = xml ? /<testsuite[\s>][\s\S]*<\/testsuite>/.exec(xml)?.[0] : undefined;
    if (inner) {
      suites.push(
        inner.replace(
          /^<testsuite name="[^"]*"/,
          `<testsuite name="${escapeAttribute(`kubernetes v${v.version}`)}"`,
        ),
      );
      continue;
    }
    const message = `${v.failure?.step ?? 'run'} failed: ${v.failure?.message ?? 'no report'}${v.failure?.log ? ` (log ${v.failure.log})` : ''}`;
    suites.push(
      [
        `<testsuite name="${escapeAttribute(`kubernetes v${v.version}`)}" tests="1" failures="0" errors="1" skipped="0">`,
        `    <testcase classname="kubernetes v${escapeAttribute(v.version)}" name="bring up Kubernetes v${escapeAttribute(v.version)}">`,
        `      <error message="${escapeAttribute(message)}" type="${v.failure?.step ?? 'run'}">${escapeText(message)}</error>`,
        '    </testcase>',
        '  </testsuite>',
      ].join('\n'),
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sidecar-conformance matrix ${escapeAttribute(input.id)}">\n  ${suites.join('\n  ')}\n</testsuites>\n`;
}

/** The README's behaviour-by-version table: one row per scenario, one column per version. */
export function matrixMarkdown(matrix: MatrixJson): string {
  const versions = matrix.versions.map((v) => `v${v.version}`);
  const lines = [
    `| Scenario | ${versions.join(' | ')} |`,
    `| --- | ${versions.map(() => '---').join(' | ')} |`,
  ];
  const word = (cell: Cell, changed: boolean) =>
    `${changed ? '**' : ''}${CELL_WORD[cell]}${changed ? '**' : ''}`;
  const failedVersions = matrix.versions.map((v) =>
    v.status === 'failed' ? `${v.failure?.step} failed` : undefined,
  );
  for (const row of matrix.scenarios) {
    const cells = row.cells.map((cell, i) => failedVersions[i] ?? word(cell, row.changedAt.includes(i)));
    lines.push(`| \`${row.scenario}\` | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
