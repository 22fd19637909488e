import { mkdtemp, readFile, readlink, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exampleRun } from '../testing/example-run.js';
import { writeReports } from './write.js';

describe('writeReports', () => {
  let root: string;
  beforeEach(async () => {
    root = join(await mkdtemp(join(tmpdir(), 'sidecar-conformance-reports-')), 'reports');
  });
  afterEach(async () => {
    await rm(join(root, '..'), { recursive: true, force: true });
  });

  it('writes the three reports under the run id and points latest at them', async () => {
    const run = await exampleRun();
    const written = await writeReports(run, root);
    expect(written.dir).toBe(join(root, run.runId));
    expect(await readdir(written.dir)).toEqual(['junit.xml', 'report.html', 'report.json']);
    expect(await readFile(written.junit, 'utf8')).toContain('<testsuite name="sidecar-conformance"');
    expect(JSON.parse(await readFile(written.json, 'utf8'))).toMatchObject({
      schemaVersion: 2,
      runId: run.runId,
    });
    expect(await readFile(written.html, 'utf8')).toContain('<svg class="timeline-chart"');
    expect(await readlink(join(root, 'latest'))).toBe(run.runId);
    expect(await readFile(join(root, 'latest', 'report.json'), 'utf8')).toContain(run.runId);
  });

  it('moves latest to the newest run and leaves no temporary link behind', async () => {
    const first = await exampleRun();
    const second = { ...(await exampleRun()), runId: `${first.runId}-again` };
    await writeReports(first, root);
    await writeReports(second, root);
    expect(await readlink(join(root, 'latest'))).toBe(second.runId);
    expect((await readdir(root)).sort()).toEqual([first.runId, second.runId, 'latest'].sort());
  });

  it('refuses a run id that would leave the reports directory', async () => {
    await expect(writeReports({ ...(await exampleRun()), runId: '../escape' }, root)).rejects.toThrow(
      /cannot name a report directory/,
    );
  });
});
