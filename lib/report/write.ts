import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { RunResult } from '../run/result.js';
import { toHtml } from './html.js';
import { toJsonReport } from './json.js';
import { toJUnitXml } from './junit.js';

export interface WrittenReports {
  dir: string;
  junit: string;
  json: string;
  html: string;
}

export const LATEST_LINK = 'latest';

/** The run id names a directory; anything that could climb out of `reportsRoot` is refused. */
function checkRunId(runId: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(runId) || runId === LATEST_LINK) {
    throw new Error(
      `run id ${JSON.stringify(runId)} cannot name a report directory: use letters, digits, '.', '_' and '-'`,
    );
  }
}

/**
 * Points `reportsRoot/latest` at `runId`. The new link is made under a temporary name and renamed over
 * the old one, so a reader never finds `latest` missing or half-made.
 */
async function pointLatest(reportsRoot: string, runId: string): Promise<void> {
  const temporary = join(reportsRoot, `.${LATEST_LINK}.${process.pid}.${randomBytes(4).toString('hex')}`);
  await symlink(runId, temporary, 'dir');
  try {
    await rename(temporary, join(reportsRoot, LATEST_LINK));
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(
      `could not point ${join(reportsRoot, LATEST_LINK)} at ${runId} (is it a real directory rather than a link?)`,
      { cause: error },
    );
  }
}

/** Writes `junit.xml`, `report.json` and `report.html` under `reportsRoot/<runId>/` and moves `latest` there. */
export async function writeReports(run: RunResult, reportsRoot: string): Promise<WrittenReports> {
  checkRunId(run.runId);
  const root = resolve(reportsRoot);
  const dir = join(root, run.runId);
  await mkdir(dir, { recursive: true });
  const written: WrittenReports = {
    dir,
    junit: join(dir, 'junit.xml'),
    json: join(dir, 'report.json'),
    html: join(dir, 'report.html'),
  };
  await Promise.all([
    writeFile(written.junit, toJUnitXml(run)),
    writeFile(written.json, `${JSON.stringify(toJsonReport(run), null, 2)}\n`),
    writeFile(written.html, toHtml(run)),
  ]);
  await pointLatest(root, run.runId);
  return written;
}
