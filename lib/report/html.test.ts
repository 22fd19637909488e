import { describe, expect, it } from 'vitest';
import { exampleRun } from './example-run.js';
import { toHtml } from './html.js';

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

describe('toHtml', () => {
  const run = exampleRun();
  const page = toHtml(run);

  it('is one page that loads nothing from elsewhere', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).not.toMatch(/<script[\s>]|<link[\s>]|<iframe|<img[\s>]|@import|url\(/i);
    // The only links are jumps within the page.
    for (const [, target] of page.matchAll(/\s(?:href|src)="([^"]*)"/g)) expect(target).toMatch(/^#/);
  });

  it('heads the page with the run, cluster, image, tolerance and wall time', () => {
    const header = page.slice(page.indexOf('<header>'), page.indexOf('</header>'));
    for (const fact of [
      run.runId,
      'local',
      'v1.37.2',
      run.image.used,
      run.image.reference,
      '1500 ms',
      '164.3 s',
    ]) {
      expect(header).toContain(fact);
    }
    expect(header).toContain('data-notice="image-substituted"');
  });

  it('shows no substitution notice when the reference image ran', () => {
    const plain = exampleRun();
    plain.image = { reference: plain.image.reference, used: plain.image.reference, substituted: false };
    expect(toHtml(plain)).not.toContain('data-notice="image-substituted"');
  });

  it('has one chart per scenario, failed scenarios first, in the summary and the sections', () => {
    const charts = [...page.matchAll(/<svg class="timeline-chart" data-scenario="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(charts).toEqual(['job-exit', 'order', 'liveness']);
    const sections = [...page.matchAll(/<section\s+class="scenario (passed|failed)"/g)].map((m) => m[1]);
    expect(sections).toEqual(['failed', 'passed', 'passed']);
    const rows = [...page.matchAll(/<tr class="(?:pass|fail)" data-scenario="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual(['job-exit', 'order', 'liveness']);
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
      /class="gap gap-pass" data-rule="app exits before second-sidecar" data-from="app" data-to="second-sidecar"/,
    );
    expect(svg).toContain('>3146 ms</text>');
    expect(svg).toContain('>3124 ms</text>');
    const failed = chart(page, 'job-exit');
    expect(failed).toContain('class="gap gap-fail"');
    expect(failed).toContain('>41 ms ✗ (want 3000–4500)</text>');
    // A rule without a measurement, or a count, gets no bracket.
    expect(chart(page, 'liveness')).not.toContain('class="gap');
  });

  it('starts a new bar for each restart and leaves the last one open', () => {
    const sidecar = lane(chart(page, 'liveness'), 'sidecar');
    const bars = [...sidecar.matchAll(/class="bar" data-segment="(\d+)" data-open="(true|false)"/g)];
    expect(bars.map((m) => m[2])).toEqual(['false', 'false', 'true']);
    expect(sidecar).toContain('restart 1');
    expect(sidecar.match(/data-kind="unhealthy"/g)).toHaveLength(6);
    expect(lane(chart(page, 'liveness'), 'app').match(/class="bar"/g)).toHaveLength(1);
  });

  it('lists the rules with the evidence of the broken ones and the full timeline', () => {
    const section = page.slice(page.indexOf('id="scenario-job-exit"'), page.indexOf('</section>'));
    expect(section).toContain('<table class="assertions">');
    expect(section.match(/<tr class="fail">/g)).toHaveLength(2);
    expect(section).toContain('<tr class="evidence">');
    expect(section).toContain('23:47:57.109');
    expect(section).toMatch(/<details class="timeline">\s*<summary>Full timeline \(20 records\)<\/summary>/);
  });

  it('escapes text from the cluster everywhere it appears', () => {
    const hostile = exampleRun();
    const [scenario] = hostile.scenarios;
    if (!scenario) throw new Error('the example run has no scenarios');
    scenario.title = '<script>alert("title")</script>';
    scenario.name = 'o"rder<x>';
    scenario.timeline.add({
      source: 'log',
      kind: 'log',
      container: '<img src=x onerror=alert(1)>',
      time: '2026-03-14T23:47:45.000000000Z',
      ns: scenario.timeline.records[5]?.ns ?? 0n,
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
