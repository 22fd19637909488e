import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { SCENARIOS } from '../scenarios/registry.js';
import { renderReadme } from './docs.js';

const readmePath = fileURLToPath(new URL('../../README.md', import.meta.url));

it('the README tables are the ones the code generates (npm run docs rewrites them)', async () => {
  const readme = await readFile(readmePath, 'utf8');
  expect(await renderReadme(readme)).toBe(readme);
  for (const scenario of SCENARIOS) expect(readme).toContain(`| \`${scenario.name}\` |`);
});
