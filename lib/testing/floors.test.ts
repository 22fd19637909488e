import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * The pipeline's floors: a module imports only from its own floor or below. Low floors hold the
 * facts (records, rules), high floors the orchestration (runs, reports, the command line).
 */
const FLOORS: Record<string, number> = {
  timeline: 0,
  'config.ts': 0,
  'errors.ts': 0,
  'fs.ts': 0,
  'wait.ts': 0,
  'retry.ts': 0,
  'go-tool.ts': 0,
  assert: 1,
  kube: 1,
  observe: 2,
  apply: 2,
  cluster: 3,
  scenarios: 4,
  run: 5,
  report: 6,
  testing: 7,
  cli: 8,
  ci: 8,
  'index.ts': 8,
};

const lib = resolve(fileURLToPath(new URL('..', import.meta.url)));

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const files = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sources(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return files.flat().filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

const floorOf = (file: string): number => {
  const top = relative(lib, file).split('/')[0] as string;
  const floor = FLOORS[top];
  if (floor === undefined) throw new Error(`lib/${top} has no floor in floors.test.ts`);
  return floor;
};

it('no import in lib/ runs back up the pipeline', async () => {
  const upward: string[] = [];
  for (const file of await sources(lib)) {
    const text = await readFile(file, 'utf8');
    for (const [, spec] of text.matchAll(/^(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)) {
      const target = resolve(dirname(file), spec as string).replace(/\.js$/, '.ts');
      if (floorOf(target) > floorOf(file)) upward.push(`${relative(lib, file)} → ${relative(lib, target)}`);
    }
  }
  expect(upward).toEqual([]);
});
