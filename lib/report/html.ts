import type { AssertionResult } from '../assert/result.js';
import type { RunResult, ScenarioResult, ScenarioVerdict } from '../run/result.js';
import type { TimelineRecord } from '../timeline/record.js';
import { displayTime } from '../timeline/time.js';
import { timelineChart } from './chart.js';
import { explainAssertion, VERDICT_WORD } from './explain.js';
import { REPORT_CSS } from './html-style.js';
import { html, raw, type Markup } from './markup.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** Fragment id for a scenario's section; names are short ids, but anything odd becomes `-`. */
export const sectionId = (scenario: ScenarioResult): string =>
  `scenario-${scenario.name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/** Failed scenarios first, so the page opens on what needs attention; otherwise run order. */
export function reportOrder(scenarios: ScenarioResult[]): ScenarioResult[] {
  const rank: Record<ScenarioVerdict, number> = { fail: 0, undecided: 1, pass: 2, 'not-applicable': 3 };
  return [...scenarios].sort((a, b) => rank[a.verdict] - rank[b.verdict]);
}

const badge = (verdict: ScenarioVerdict): Markup =>
  html`<span class="badge ${verdict}">${VERDICT_WORD[verdict]}</span>`;

function header(run: RunResult): Markup {
  const { cluster, image } = run;
  const passedCount = run.scenarios.filter((s) => s.verdict === 'pass').length;
  const node = [
    cluster.nodeName && `node ${cluster.nodeName}`,
    cluster.kubeletVersion && `kubelet ${cluster.kubeletVersion}`,
    cluster.containerRuntimeVersion,
  ].filter(Boolean);
  const substituted = image.substituted
    ? html`<p class="notice" data-notice="image-substituted">
        <strong>Image substituted:</strong> the Pods ran <code>${image.used}</code> instead of the reference
        manifests' <code>${image.reference}</code>. Behaviour is judged with the substitute's shell and sleep.
      </p>`
    : '';
  return html`<header>
    <h1>${badge(run.verdict)} sidecar-conformance report</h1>
    <dl class="run-facts">
      <dt>Run</dt>
      <dd class="mono">${run.runId}</dd>
      <dt>Provider</dt>
      <dd>${cluster.provider} — ${cluster.name} <span class="mono">(${cluster.server})</span></dd>
      <dt>Kubernetes</dt>
      <dd><strong>${cluster.kubernetesVersion}</strong>${node.length > 0 ? ` (${node.join(', ')})` : ''}</dd>
      <dt>Container times</dt>
      <dd data-fact="runtime-times">${cluster.runtimeTimes}</dd>
      <dt>Image used</dt>
      <dd><code>${image.used}</code>${image.substituted ? ' (substituted)' : ''}</dd>
      <dt>Reference image</dt>
      <dd><code>${image.reference}</code></dd>
      <dt>Shutdown tolerance</dt>
      <dd>${run.toleranceMs} ms above the expected delay</dd>
      ${
        run.faults?.length
          ? html`<dt>Faults</dt>
              <dd data-fact="faults">${run.faults.map((f) => `${f.fault}: ${f.what}`).join('; ')}</dd>`
          : ''
      }
      <dt>Wall time</dt>
      <dd>${seconds(run.durationMs)} (${run.startedAt} → ${run.finishedAt})</dd>
      <dt>Result</dt>
      <dd>${passedCount} of ${run.scenarios.length} scenarios passed</dd>
    </dl>
    ${substituted}
  </header>`;
}

/** `3146 ms`, or a bare number for counts. */
function measuredValue({ measurement }: AssertionResult): string {
  if (!measurement) return '';
  return measurement.unit === 'ms' ? `${measurement.value} ms` : String(measurement.value);
}

function measurements(scenario: ScenarioResult): Markup {
  const measured = scenario.assertions.filter((a) => a.measurement);
  if (measured.length === 0) return html`<span class="meta">—</span>`;
  return html`<ul class="measurements">
    ${measured.map(
      (a) => html`<li class="${a.verdict}">${a.rule}: <span class="value">${measuredValue(a)}</span></li>`,
    )}
  </ul>`;
}

function summary(scenarios: ScenarioResult[]): Markup {
  const rows = scenarios.map(
    (s) =>
      html`<tr class="${s.verdict}" data-scenario="${s.name}">
        <td><a href="#${sectionId(s)}">${s.title}</a><br /><span class="meta mono">${s.name}</span></td>
        <td class="result">${s.error !== undefined ? 'ERROR' : VERDICT_WORD[s.verdict]}</td>
        <td>${seconds(s.durationMs)}</td>
        <td>${measurements(s)}</td>
      </tr>`,
  );
  return html`<h2>Summary</h2>
    <table class="summary">
      <thead>
        <tr>
          <th>Scenario</th>
          <th>Result</th>
          <th>Duration</th>
          <th>Key measurements</th>
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>`;
}

function assertionRows(assertion: AssertionResult): Markup {
  const measured = measuredValue(assertion);
  const row = html`<tr class="${assertion.verdict}">
    <td>${assertion.rule}</td>
    <td>${assertion.expected}</td>
    <td>${assertion.actual}</td>
    <td class="mono">${measured}</td>
    <td class="result">${assertion.verdict === 'pass' ? 'pass' : VERDICT_WORD[assertion.verdict]}</td>
  </tr>`;
  if (assertion.verdict === 'pass') return row;
  // A broken rule shows the records that broke it right under it, as in the CLI output.
  const evidence = explainAssertion(assertion);
  return html`${row}
    <tr class="evidence">
      <td colspan="5"><pre>${evidence}</pre></td>
    </tr>`;
}

function assertionTable(scenario: ScenarioResult): Markup {
  if (scenario.assertions.length === 0) return html`<p class="meta">No rules were checked.</p>`;
  return html`<table class="assertions">
    <thead>
      <tr>
        <th>Rule</th>
        <th>Expected</th>
        <th>Actual</th>
        <th>Measured</th>
        <th>Result</th>
      </tr>
    </thead>
    <tbody>
      ${scenario.assertions.map(assertionRows)}
    </tbody>
  </table>`;
}

function timelineRow(record: TimelineRecord): Markup {
  const precision = record.precision === 'exact' ? '' : record.precision === 'second' ? ' (s)' : ' (obs)';
  const details = [
    record.reason,
    record.message,
    record.restartCount !== undefined ? `restarts=${record.restartCount}` : undefined,
    record.exitCode !== undefined ? `exit=${record.exitCode}` : undefined,
  ].filter((part) => part !== undefined && part !== '');
  return html`<tr>
    <td class="time mono" title="${record.time}">${displayTime(record.ns)}${precision}</td>
    <td>${record.source}</td>
    <td>${record.kind}</td>
    <td>${record.container ?? 'pod'}</td>
    <td>${details.join(' · ')}</td>
  </tr>`;
}

function timelineTable(scenario: ScenarioResult): Markup {
  const records = scenario.timeline.records;
  return html`<details class="timeline">
    <summary>Full timeline (${records.length} records)</summary>
    <table>
      <thead>
        <tr>
          <th>Time (UTC)</th>
          <th>Source</th>
          <th>Kind</th>
          <th>Container</th>
          <th>Reason / message</th>
        </tr>
      </thead>
      <tbody>
        ${records.map(timelineRow)}
      </tbody>
    </table>
  </details>`;
}

function section(scenario: ScenarioResult): Markup {
  const error =
    scenario.error !== undefined ? html`<p class="error"><strong>Error:</strong> ${scenario.error}</p>` : '';
  const blind = scenario.timeline.gaps.length
    ? html`<p class="notice" data-notice="blind">
        <strong>The harness was blind</strong> (shaded in the chart):
        ${scenario.timeline.gaps
          .map((g) => `${displayTime(g.fromNs)}–${displayTime(g.toNs)} ${g.stream}, ${g.why}`)
          .join('; ')}.
        Rules that needed to see that stretch are undecided.
      </p>`
    : '';
  return html`<section
    class="scenario ${scenario.verdict}"
    id="${sectionId(scenario)}"
    data-scenario="${scenario.name}"
    data-verdict="${scenario.verdict}"
  >
    <h2>${badge(scenario.verdict)} ${scenario.title}</h2>
    <p class="meta">
      <span class="mono">${scenario.name}</span> · namespace <span class="mono">${scenario.namespace}</span> ·
      pod <span class="mono">${scenario.podName}</span> · <span class="mono">${scenario.manifestPath}</span> ·
      started ${scenario.startedAt} · ${seconds(scenario.durationMs)}
    </p>
    ${scenario.notApplicable ? html`<p class="not-applicable">${scenario.notApplicable}</p>` : ''} ${error}
    ${blind}
    <div class="chart">${raw(timelineChart(scenario))}</div>
    <h3>Rules</h3>
    ${assertionTable(scenario)} ${timelineTable(scenario)}
  </section>`;
}

/** The run as one self-contained HTML page: inline CSS and SVG, no scripts, nothing fetched. */
export function toHtml(run: RunResult): string {
  const ordered = reportOrder(run.scenarios);
  const page = html`<!DOCTYPE html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>
          ${VERDICT_WORD[run.verdict]} · sidecar-conformance ${run.runId} · Kubernetes
          ${run.cluster.kubernetesVersion}
        </title>
        <style>
          ${raw(REPORT_CSS)}
        </style>
      </head>
      <body>
        ${header(run)} ${summary(ordered)}
        <main>${ordered.map(section)}</main>
        <footer>
          Generated by sidecar-conformance. Times are UTC; (s) marks whole-second times from Events and
          statuses, (obs) times the harness observed; log lines carry exact times.
        </footer>
      </body>
    </html> `;
  return page.value;
}
