import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderWithChromium, type RenderedReport } from './browser.js';
import { exampleRun } from '../testing/example-run.js';
import { writeReports } from './write.js';

// Renders the page in Debian's Chromium: no skip when it is missing, the failure names `npm run setup`.
const run = await exampleRun();

describe('report.html in headless Chromium', () => {
  let dir: string;
  let rendered: RenderedReport;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidecar-conformance-browser-'));
    const written = await writeReports(run, join(dir, 'reports'));
    rendered = await renderWithChromium(written.html, written.dir, { timeoutMs: 60_000 });
  }, 150_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds one timeline chart per scenario, failed scenarios first', () => {
    const charts = [...rendered.dom.matchAll(/<svg class="timeline-chart" data-scenario="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(charts).toHaveLength(run.scenarios.length);
    const failed = run.scenarios.filter((s) => s.verdict !== 'pass').map((s) => s.name);
    expect(failed.length).toBeGreaterThan(0);
    expect(charts.slice(0, failed.length)).toEqual(failed);
    const passed = run.scenarios.filter((s) => s.verdict === 'pass').map((s) => s.name);
    expect(charts.slice(failed.length)).toEqual(passed);
  });

  it('takes a screenshot with something on it', async () => {
    expect(rendered.screenshotPath).toMatch(/report\.png$/);
    const { size } = await stat(rendered.screenshotPath);
    // A blank 1400x2000 PNG compresses to a few kB; the rendered report is well over 100 kB.
    expect(size).toBeGreaterThan(50_000);
  });
});

describe('renderWithChromium without Chromium', () => {
  it('fails with one sentence that says to run the setup', async () => {
    await expect(
      renderWithChromium('/nonexistent/report.html', tmpdir(), { chromiumPath: '/nonexistent/chromium' }),
    ).rejects.toThrow(
      "Chromium was not found at /nonexistent/chromium; run the project's setup (`npm run setup`) to install it.",
    );
  });
});
