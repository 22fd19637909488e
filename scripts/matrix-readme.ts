/**
 * Writes the README's behaviour-by-version table from a matrix run (`run --versions …`):
 *
 *   node --import tsx scripts/matrix-readme.ts reports/matrix-<id>/matrix.json
 *
 * The table is the matrix's own Markdown (lib/report/matrix.ts): one row per scenario, one column
 * per version, a verdict that changed from the version before in bold, a version that could not be
 * built or started named by its step.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { matrixMarkdown, type MatrixJson } from '../lib/report/matrix.js';

const [path] = process.argv.slice(2);
if (!path) {
  process.stderr.write('usage: scripts/matrix-readme.ts reports/matrix-<id>/matrix.json\n');
  process.exit(2);
}
const matrix = JSON.parse(await readFile(path, 'utf8')) as MatrixJson;
const readmePath = resolve(import.meta.dirname, '..', 'README.md');
const readme = await readFile(readmePath, 'utf8');
const [open, close] = ['<!-- generated:matrix -->', '<!-- end:matrix -->'];
const start = readme.indexOf(open);
const end = readme.indexOf(close);
if (start === -1 || end === -1) throw new Error(`README.md has no ${open} … ${close} block`);
const failed = matrix.versions
  .filter((v) => v.status === 'failed')
  .map(
    (v) =>
      `- v${v.version}: ${v.failure?.step} failed — ${v.failure?.message}${v.failure?.log ? ` (log \`${v.failure.log}\`)` : ''}`,
  );
const body = [
  `From matrix \`${matrix.id}\` (${matrix.versions.length} versions, ${(matrix.durationMs / 60_000).toFixed(0)} min of runs):`,
  '',
  '<!-- prettier-ignore-start -->',
  matrixMarkdown(matrix),
  '<!-- prettier-ignore-end -->',
  ...(failed.length ? ['', ...failed] : []),
].join('\n');
await writeFile(readmePath, `${readme.slice(0, start + open.length)}\n${body}\n${readme.slice(end)}`);
process.stdout.write(`${readmePath}: behaviour-by-version table from ${path}\n`);
