// Prints one plain closing line, "N passed, N failed", summed over vitest's JUnit files, so CI
// can read the count whatever runner printed above. Usage: node scripts/test-summary.js FILE...
import { readFileSync } from 'node:fs';

let tests = 0;
let failures = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const xml = readFileSync(file, 'utf8');
  // Sum the <testsuite> elements (the <testsuites> root carries no skipped count).
  for (const [suite] of xml.matchAll(/<testsuite\b[^>]*>/g)) {
    const attr = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
    tests += attr('tests');
    failures += attr('failures') + attr('errors');
    skipped += attr('skipped');
  }
}
const passed = tests - failures - skipped;
console.log(`${passed} passed, ${failures} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failures > 0 ? 1 : 0);
