import { readFile, writeFile } from 'node:fs/promises';
import { EXIT_CODE_MEANINGS } from '../errors.js';
import { runSettings } from '../run/settings.js';
import { SCENARIOS } from '../scenarios/registry.js';
import type { Scenario } from '../scenarios/scenario.js';
import { fileURLToPath } from 'node:url';
import { loadFixture } from '../testing/fixture.js';

/**
 * The README's generated tables: the scenarios (from the registry, each with the rule sentences it
 * checks on its recorded run) and the exit codes. `npm run docs` rewrites them; a unit test fails
 * when the README has drifted from the code.
 */

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** What a scenario needs beyond a kubelet with sidecars, in words; `—` for nothing. */
export function needsOf(scenario: Scenario): string {
  const needs: string[] = [];
  const { requires } = scenario;
  if (requires?.since) needs.push(`v${requires.since.version}+ (${requires.since.what})`);
  for (const gate of requires?.featureGates ?? []) needs.push(`gate ${gate.gate} (${gate.stage})`);
  for (const operation of requires?.nodeOperations ?? []) {
    needs.push(operation === 'reboot-node' ? 'a node reboot' : 'a kubelet restart');
  }
  if (scenario.disruptive) needs.push('runs alone, after the others');
  return needs.length ? needs.join('; ') : '—';
}

export async function scenarioTable(): Promise<string> {
  const rows = await Promise.all(
    SCENARIOS.map(async (scenario) => {
      const { fixture, timeline } = await loadFixture(
        fileURLToPath(new URL(`../../fixtures/${scenario.name}.json`, import.meta.url)),
      );
      const rules = scenario.rules(timeline, fixture.shape, runSettings()).map((r) => r.rule);
      const unique = [...new Set(rules)];
      const follows = scenario.upstream
        ? `${scenario.upstream.row}: \`${scenario.upstream.file}\` "${cell(scenario.upstream.test)}"`
        : 'the seed article';
      return `| \`${scenario.name}\` | ${scenario.suite} | ${follows} | ${cell(needsOf(scenario))} | \`${scenario.manifest}\` | ${cell(scenario.title)} | ${cell(unique.join('; '))} |`;
    }),
  );
  return [
    '| Scenario (`--only`) | Suite | Follows | Needs | Manifest | What it proves | Rules checked (on its recorded run) |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function exitCodeTable(): string {
  return [
    '| code | meaning |',
    '| ---- | ------- |',
    ...EXIT_CODE_MEANINGS.map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`),
  ].join('\n');
}

const block = (name: string) => [`<!-- generated:${name} -->`, `<!-- end:${name} -->`] as const;

/** The README with its generated blocks replaced by what the code says now. */
export async function renderReadme(readme: string): Promise<string> {
  const tables: Record<string, string> = { scenarios: await scenarioTable(), 'exit-codes': exitCodeTable() };
  let out = readme;
  for (const [name, table] of Object.entries(tables)) {
    const [open, close] = block(name);
    const start = out.indexOf(open);
    const end = out.indexOf(close);
    if (start === -1 || end === -1) throw new Error(`README.md has no ${open} … ${close} block`);
    // Prettier would re-pad the table; the code's output stands as it is.
    const body = `<!-- prettier-ignore-start -->\n${table}\n<!-- prettier-ignore-end -->`;
    out = `${out.slice(0, start + open.length)}\n${body}\n${out.slice(end)}`;
  }
  return out;
}

export async function updateReadme(path: string): Promise<boolean> {
  const before = await readFile(path, 'utf8');
  const after = await renderReadme(before);
  if (after !== before) await writeFile(path, after);
  return after !== before;
}
