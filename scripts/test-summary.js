// Prints one plain closing line, "N passed, N failed", summed over vitest's JUnit files, so CI
// can read the count whatever runner printed above. Usage: node scripts/test-summary.js FILE...
// With --markdown (for $GITHUB_STEP_SUMMARY): a table per file and every test that did not pass,
// with the first line of its message; the exit code is the same.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const markdown = args.includes('--markdown');
const files = args.filter((a) => a !== '--markdown');

const attrOf = (tag, name) => new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
const count = (tag, name) => Number(attrOf(tag, name) ?? 0);
const unescape = (s) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');
const cell = (s) => s.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

let tests = 0;
let failures = 0;
let skipped = 0;
const lines = [];
for (const file of files) {
  const xml = readFileSync(file, 'utf8');
  let fileTests = 0;
  let fileFailures = 0;
  let fileSkipped = 0;
  // Sum the <testsuite> elements (the <testsuites> root carries no skipped count).
  for (const [suite] of xml.matchAll(/<testsuite\b[^>]*>/g)) {
    fileTests += count(suite, 'tests');
    fileFailures += count(suite, 'failures') + count(suite, 'errors');
    fileSkipped += count(suite, 'skipped');
  }
  tests += fileTests;
  failures += fileFailures;
  skipped += fileSkipped;
  if (!markdown) continue;
  lines.push(`### ${file}`, '', '| passed | failed | skipped |', '| --- | --- | --- |');
  lines.push(`| ${fileTests - fileFailures - fileSkipped} | ${fileFailures} | ${fileSkipped} |`, '');
  const notPassed = [];
  for (const [, open, body] of xml.matchAll(/<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const verdict = /<(failure|error|skipped)\b([^>]*)/.exec(body ?? '');
    if (!verdict) continue;
    const name = unescape(`${attrOf(open, 'classname') ?? ''} › ${attrOf(open, 'name') ?? ''}`);
    const message = unescape(attrOf(verdict[2], 'message') ?? '').split('\n')[0] ?? '';
    notPassed.push(`| ${verdict[1]} | ${cell(name)} | ${cell(message).slice(0, 300)} |`);
  }
  if (notPassed.length) lines.push('| verdict | test | message |', '| --- | --- | --- |', ...notPassed, '');
}
const passed = tests - failures - skipped;
const closing = `${passed} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ''}`;
console.log(markdown ? [`**${closing}**`, '', ...lines].join('\n') : closing);
process.exit(failures > 0 ? 1 : 0);
