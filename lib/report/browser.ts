import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa, type ExecaError } from 'execa';
import { describeError, missingDependencyError } from '../errors.js';

/** Debian's Chromium, which `npm run setup` installs; the report is checked in a real browser engine. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Headless, offline, no profile left behind: the page must render from the file alone. */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface ChromiumOptions {
  chromiumPath?: string;
  /** Per Chromium invocation. */
  timeoutMs?: number;
  signal?: AbortSignal;
  windowSize?: { width: number; height: number };
}

export interface RenderedReport {
  /** The DOM after Chromium parsed and laid out the page. */
  dom: string;
  screenshotPath: string;
}

export const SCREENSHOT_NAME = 'report.png';

async function requireChromium(path: string): Promise<void> {
  try {
    await access(path, constants.X_OK);
  } catch {
    throw missingDependencyError(
      `Chromium was not found at ${path}; run the project's setup (\`npm run setup\`) to install it.`,
    );
  }
}

async function runChromium(chromium: string, args: string[], what: string, options: ChromiumOptions) {
  const timeout = options.timeoutMs ?? 60_000;
  const profile = await mkdtemp(join(tmpdir(), 'sidecar-conformance-chromium-'));
  try {
    return await execa(chromium, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, ...args], {
      timeout,
      cancelSignal: options.signal,
      forceKillAfterDelay: 2_000,
      stdin: 'ignore',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    const failed = error as Partial<ExecaError>;
    const stderrTail = String(failed.stderr ?? '')
      .trim()
      .split('\n')
      .at(-1);
    const why = failed.timedOut
      ? `did not finish within ${timeout} ms`
      : failed.isCanceled
        ? 'was cancelled'
        : `failed (${failed.exitCode !== undefined ? `exit code ${failed.exitCode}` : describeError(error)})`;
    throw new Error(`Chromium ${why} while ${what}${stderrTail ? `; last stderr line: ${stderrTail}` : ''}`, {
      cause: error,
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

/**
 * Opens the report in headless Chromium twice: once to dump the DOM it built, once to take a
 * screenshot into `outDir/report.png`. No network is used; the page must be self-contained.
 */
export async function renderWithChromium(
  htmlPath: string,
  outDir: string,
  options: ChromiumOptions = {},
): Promise<RenderedReport> {
  const chromium = options.chromiumPath ?? CHROMIUM_PATH;
  await requireChromium(chromium);
  const url = pathToFileURL(resolve(htmlPath)).href;
  await mkdir(outDir, { recursive: true });
  const screenshotPath = join(resolve(outDir), SCREENSHOT_NAME);
  const { width, height } = options.windowSize ?? { width: 1400, height: 2000 };

  const dumped = await runChromium(chromium, ['--dump-dom', url], `dumping the DOM of ${htmlPath}`, options);
  await runChromium(
    chromium,
    [`--screenshot=${screenshotPath}`, `--window-size=${width},${height}`, url],
    `taking a screenshot of ${htmlPath}`,
    options,
  );
  const shot = await stat(screenshotPath).catch(() => undefined);
  if (!shot?.isFile()) {
    throw new Error(`Chromium exited without writing the screenshot ${screenshotPath} of ${htmlPath}`);
  }
  return { dom: String(dumped.stdout), screenshotPath };
}
