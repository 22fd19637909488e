/**
 * One matrix from several runs: matrix.json files (each version with its report, or its failure) and
 * single-version report directories (report.json), e.g. versions from two matrix runs.
 *
 *   node --import tsx scripts/matrix-combine.ts OUT_DIR reports/matrix-A/matrix.json reports/matrix-B/matrix.json
 *
 * Writes OUT_DIR/matrix.json, matrix.html and junit.xml as `run --versions` does; a version named
 * twice keeps the last one given.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { compareVersionStrings } from '../lib/cli/matrix.js';
import type { JsonReport } from '../lib/report/json.js';
import {
  buildMatrix,
  matrixHtml,
  matrixJUnit,
  type MatrixJson,
  type MatrixVersion,
} from '../lib/report/matrix.js';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length === 0) {
  process.stderr.write('usage: scripts/matrix-combine.ts OUT_DIR (matrix.json | report dir) …\n');
  process.exit(2);
}
const readJson = async <T>(path: string): Promise<T> => JSON.parse(await readFile(path, 'utf8')) as T;
const byVersion = new Map<string, MatrixVersion>();
let durationMs = 0;
let startedAt = '';
for (const input of inputs.map((i) => resolve(i))) {
  if (basename(input) === 'matrix.json') {
    const matrix = await readJson<MatrixJson>(input);
    durationMs += matrix.durationMs;
    startedAt ||= matrix.startedAt;
    for (const v of matrix.versions) {
      const report = v.reportDir ? await readJson<JsonReport>(join(v.reportDir, 'report.json')) : undefined;
      byVersion.set(v.version, {
        version: v.version,
        status: v.status,
        durationMs: v.durationMs,
        ...(v.reportDir ? { reportDir: v.reportDir } : {}),
        ...(report ? { report } : {}),
        ...(v.failure ? { failure: v.failure } : {}),
      });
    }
  } else {
    const report = await readJson<JsonReport>(join(input, 'report.json'));
    const version = report.kubernetesVersion.replace(/^v/, '');
    durationMs += report.durationMs;
    startedAt ||= report.startedAt;
    byVersion.set(version, {
      version,
      status: 'ran',
      durationMs: report.durationMs,
      reportDir: input,
      report,
    });
  }
}
const versions = [...byVersion.values()].sort((a, b) => compareVersionStrings(a.version, b.version));
const input = { id: basename(resolve(out)), startedAt, durationMs, versions };
const matrix = buildMatrix(input);
await mkdir(out, { recursive: true });
await writeFile(join(out, 'matrix.json'), `${JSON.stringify(matrix, null, 2)}\n`);
await writeFile(join(out, 'matrix.html'), matrixHtml(matrix));
const junits = new Map<string, string>();
for (const v of versions) {
  const path = v.reportDir ? join(v.reportDir, 'junit.xml') : undefined;
  if (path && existsSync(path)) junits.set(v.version, await readFile(path, 'utf8'));
}
await writeFile(
  join(out, 'junit.xml'),
  matrixJUnit(input, (v) => junits.get(v.version)),
);
process.stdout.write(`${join(out, 'matrix.html')}\n${join(out, 'matrix.json')}\n${join(out, 'junit.xml')}\n`);
