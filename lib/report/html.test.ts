import { fileURLToPath } from 'node:url';
import { SIGTERM_DELAY_MS } from '../scenarios/seed/order.js';
import { LIVENESS_RESTARTS } from '../scenarios/seed/liveness.js';
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/registry.js';
import { exitOf } from '../assert/instants.js';
import { runSettings } from '../run/settings.js';
import { loadFixture } from '../testing/fixture.js';
import { displayTime, formatTimeNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exampleRun } from '../testing/example-run.js';
import { toHtml } from './html.js';

const recorded = async (name: string) =>
  loadFixture(fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url)));

/** What the recorded run measured between two containers' exits (as the rules read them), in ms. */
function recordedGapMs(timeline: Timeline, from: string, to: string): number {
  const exit = (container: string) => exitOf(timeline, container, { announcedByLastLogLine: true })?.ns ?? 0n;
  return Math.round(nsToMs(exit(to) - exit(from)));
}

/** The markup of one scenario's chart. */
function chart(page: string, scenario: string): string {
  const start = page.indexOf(`<svg class="timeline-chart" data-scenario="${scenario}"`);
  expect(start, `chart for ${scenario}`).toBeGreaterThan(-1);
  return page.slice(start, page.indexOf('</svg>', start));
}

/** The markup of one lane inside a chart. */
function lane(svg: string, name: string): string {
  const start = svg.indexOf(`data-lane="${name}"`);
  expect(start, `lane ${name}`).toBeGreaterThan(-1);
  const next = svg.indexOf('data-lane="', start + 1);
  return svg.slice(start, next === -1 ? undefined : next);
}

const run = await exampleRun();
const page = toHtml(run);
const order = await recorded('order');
const exit = await recorded('exit');
const liveness = await recorded('liveness');
const settings = runSettings();
const bounds = `(want ${SIGTERM_DELAY_MS}–${SIGTERM_DELAY_MS + settings.shutdownToleranceMs})`;

describe('toHtml', () => {
  it('is one page that loads nothing from elsewhere', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<script[\s>]|<link[\s>]|<iframe|<img[\s>]|@import|url\(/i);
    // The only links are jumps within the page.
    for (const [, target] of page.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(target).toMatch(/^#/);
  });

  it('heads the page with the run, cluster, image, tolerance and wall time', () => {
    const header = page.slice(page.indexOf('<header>'), page.indexOf('</header>'));
    const { recordedFrom } = order.fixture;
    for (const fact of [
      recordedFrom.runId,
      'local',
      recordedFrom.kubernetesVersion,
      recordedFrom.image,
      run.image.reference,
      `${settings.shutdownToleranceMs} ms`,
      `${(run.durationMs / 1000).toFixed(1)} s`,
    ]) {
      expect(header).toContain(fact);
    }
    expect(header).toContain('data-notice="image-substituted"');
  });

  it('shows no substitution notice when the reference image ran', async () => {
    const plain = await exampleRun();
    plain.image = { reference: plain.image.reference, used: plain.image.reference, substituted: false };
    expect(toHtml(plain)).not.toContain('data-notice="image-substituted"');
  });

  it('has one chart per scenario, failed scenarios first, in the summary and the sections', () => {
    // The failing scenario first, then the registry's order.
    const expected = [
      'order',
      ...SCENARIOS.filter((s) => s.suite === 'seed' && s.name !== 'order').map((s) => s.name),
    ];
    const charts = [...page.matchAll(/<svg class="timeline-chart" data-scenario="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(charts).toEqual(expected);
    const sections = [...page.matchAll(/<section\s+class="scenario (pass|fail|undecided)"/g)].map(
      (m) => m[1],
    );
    expect(sections).toEqual(['fail', 'pass', 'pass', 'pass', 'pass']);
    const rows = [...page.matchAll(/<tr class="(?:pass|fail)" data-scenario="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(expected);
  });

  it('draws a Pod lane, then one labelled lane per container in the order they appear', () => {
    const svg = chart(page, 'order');
    const lanes = [...svg.matchAll(/data-lane="([^"]+)"/g)].map((m) => m[1]);
    expect(lanes).toEqual(['pod', 'first-sidecar', 'second-sidecar', 'app']);
    for (const name of ['first-sidecar', 'second-sidecar', 'app'])
      expect(lane(svg, name)).toContain(`>${name}</text>`);
    expect(lane(svg, 'first-sidecar')).toContain('class="lane-role">sidecar</text>');
    expect(lane(svg, 'app')).not.toContain('class="lane-role"');
    expect(lane(svg, 'pod')).toMatch(/data-kind="delete-requested"/);
    expect(lane(svg, 'pod')).toMatch(/data-kind="pod-gone"/);
  });

  it('marks SIGTERM, exits, readiness and the exact exit from the last log line', () => {
    const app = lane(chart(page, 'order'), 'app');
    for (const kind of ['ready', 'killing', 'terminated', 'last-log'])
      expect(app).toContain(`data-kind="${kind}"`);
    expect(app.match(/class="bar"/g)).toHaveLength(1);
    expect(app).toContain('data-open="false"');
  });

  it('labels measured gaps between two containers with their value', () => {
    const svg = chart(page, 'order');
    expect(svg).toMatch(
      /class="gap gap-pass" data-rule="second-sidecar stops 3000–5000 ms after app" data-from="app" data-to="second-sidecar"/,
    );
    expect(svg).toContain(`>${recordedGapMs(order.timeline, 'app', 'second-sidecar')} ms</text>`);
    // The mutated gap (see example-run.ts), measured on the run's copy of the timeline.
    const failing = run.scenarios.find((s) => s.name === 'order');
    if (!failing) throw new Error('the example run has no order scenario');
    expect(svg).toMatch(
      /class="gap gap-fail" data-rule="first-sidecar stops 3000–5000 ms after second-sidecar" data-from="second-sidecar" data-to="first-sidecar"/,
    );
    const mutatedGap = recordedGapMs(failing.timeline, 'second-sidecar', 'first-sidecar');
    expect(mutatedGap).toBeLessThan(SIGTERM_DELAY_MS);
    expect(svg).toContain(`>${mutatedGap} ms ✗ ${bounds}</text>`);
    // Both of File 3's gaps pass as recorded.
    const jobExit = chart(page, 'exit');
    expect(jobExit.match(/class="gap gap-pass"/g)).toHaveLength(2);
    expect(jobExit).not.toContain('class="gap gap-fail"');
    expect(jobExit).toContain(`>${recordedGapMs(exit.timeline, 'app', 'second-sidecar')} ms</text>`);
    expect(jobExit).toContain(
      `>${recordedGapMs(exit.timeline, 'second-sidecar', 'first-sidecar')} ms</text>`,
    );
    // A rule without a measurement, a count, or a time within one container gets no bracket.
    for (const name of ['basic', 'liveness', 'readiness'])
      expect(chart(page, name)).not.toContain('class="gap');
  });

  it('starts a new bar for each restart and leaves the last one open', () => {
    const sidecar = lane(chart(page, 'liveness'), 'sidecar');
    const bars = [...sidecar.matchAll(/class="bar" data-segment="(\d+)" data-open="(true|false)"/g)];
    const restarts = liveness.timeline.find({ kind: 'restarted', container: 'sidecar' });
    expect(restarts.length).toBeGreaterThanOrEqual(LIVENESS_RESTARTS);
    expect(bars.map((m) => m[2])).toEqual([...restarts.map(() => 'false'), 'true']);
    expect(sidecar).toContain('restart 1');
    const unhealthy = liveness.timeline.find({ kind: 'unhealthy', container: 'sidecar' });
    expect(sidecar.match(/data-kind="unhealthy"/g)).toHaveLength(unhealthy.length);
    expect(lane(chart(page, 'liveness'), 'app').match(/class="bar"/g)).toHaveLength(1);
  });

  it('shows a sidecar that never turns ready next to an app that does', () => {
    const svg = chart(page, 'readiness');
    expect(lane(svg, 'sidecar')).not.toContain('data-kind="ready"');
    expect(lane(svg, 'sidecar')).toContain('data-kind="unhealthy"');
    expect(lane(svg, 'app')).toContain('data-kind="ready"');
    expect(lane(svg, 'pod')).not.toContain('data-kind="pod-ready"');
  });

  it('lists the rules with the evidence of the broken ones and the full timeline', () => {
    const failing = run.scenarios.find((s) => s.verdict !== 'pass');
    if (!failing) throw new Error('the example run has no failing scenario');
    const broken = failing.assertions.filter((a) => a.verdict !== 'pass');
    const start = page.indexOf(`id="scenario-${failing.name}"`);
    const section = page.slice(start, page.indexOf('</section>', start));
    expect(section).toContain('<table class="assertions">');
    expect(section.match(/<tr class="fail">/g)).toHaveLength(broken.length);
    expect(section).toContain('<tr class="evidence">');
    for (const record of broken.flatMap((a) => a.evidence)) expect(section).toContain(displayTime(record.ns));
    expect(section).toMatch(
      new RegExp(
        `<details class="timeline">\\s*<summary>Full timeline \\(${order.fixture.records.length} records\\)</summary>`,
      ),
    );
  });

  it('escapes text from the cluster everywhere it appears', async () => {
    const hostile = await exampleRun();
    const [scenario] = hostile.scenarios;
    if (!scenario) throw new Error('the example run has no scenarios');
    const ns = scenario.timeline.records[5]?.ns ?? 0n;
    scenario.title = '<script>alert("title")</script>';
    scenario.name = 'o"rder<x>';
    scenario.timeline.add({
      source: 'log',
      kind: 'log',
      container: '<img src=x onerror=alert(1)>',
      time: formatTimeNs(ns),
      ns,
      precision: 'exact',
      observedNs: 0n,
      message: '</td></tr><script>alert(2)</script> & \x1b[0m',
    });
    const out = toHtml(hostile);
    expect(out).not.toMatch(/<script|<img/);
    expect(out).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(out).toContain('data-scenario="o&quot;rder&lt;x&gt;"');
    expect(out).toContain('&lt;/td&gt;&lt;/tr&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; \\x1B[0m');
    // eslint-disable-next-line no-control-regex -- no raw control characters may survive
    expect(out).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F]/);
  });
});
