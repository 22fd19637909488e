import { join } from 'node:path';
import { describeError } from '../errors.js';
import { renderWithChromium } from './browser.js';
import { writeReports } from './write.js';
import type { RunResult } from '../run/result.js';

/** Writes the three reports and, when Chromium is there, keeps a screenshot of the HTML beside them. */
export async function publishReports(
  run: RunResult,
  reportsRoot: string,
  options: { screenshot: boolean; progress: (line: string) => void },
) {
  const paths = await writeReports(run, reportsRoot);
  if (options.screenshot) {
    try {
      const rendered = await renderWithChromium(paths.html, paths.dir);
      options.progress(`report screenshot: ${rendered.screenshotPath}`);
    } catch (error) {
      options.progress(`no screenshot of ${join(paths.dir, 'report.html')}: ${describeError(error)}`);
    }
  }
  return paths;
}
