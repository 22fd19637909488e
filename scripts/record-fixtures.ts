/**
 * Turns a live run's report.json into the unit tests' fixtures: one small JSON timeline per
 * scenario under fixtures/. Usage: node --import tsx scripts/record-fixtures.ts [reports/latest/report.json]
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TimelineFixture } from '../lib/testing/fixture.js';

interface ReportScenario {
  name: string;
  shape: TimelineFixture['shape'];
  timeline: TimelineFixture['records'];
}
interface Report {
  runId: string;
  kubernetesVersion: string;
  image: { used: string };
  scenarios: ReportScenario[];
}

const reportPath = resolve(process.argv[2] ?? 'reports/latest/report.json');
const report = JSON.parse(await readFile(reportPath, 'utf8')) as Report;
const outDir = resolve(import.meta.dirname, '../fixtures');
await mkdir(outDir, { recursive: true });
for (const scenario of report.scenarios) {
  const fixture: TimelineFixture = {
    scenario: scenario.name,
    recordedFrom: {
      kubernetesVersion: report.kubernetesVersion,
      image: report.image.used,
      runId: report.runId,
    },
    shape: scenario.shape,
    records: scenario.timeline,
  };
  const path = resolve(outDir, `${scenario.name}.json`);
  await writeFile(path, `${JSON.stringify(fixture, null, 1)}\n`);
  console.log(`${path}: ${scenario.timeline.length} records`);
}
