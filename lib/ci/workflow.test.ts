import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { actionlint, ensureActionlint } from './actionlint.js';

// The workflows under .github/workflows pass actionlint with no finding. Without the cached binary
// the test builds it (Go on PATH, a few minutes on a loaded machine); it never skips.
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const BUILD_TIMEOUT_MS = 15 * 60_000;

it(
  'the GitHub workflows pass actionlint',
  async () => {
    const workflows = (await readdir(join(root, '.github', 'workflows')))
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join('.github', 'workflows', f));
    expect(workflows).toContain(join('.github', 'workflows', 'nightly.yml'));
    const binary = await ensureActionlint({ onProgress: (line) => console.log(line) });
    const result = await actionlint(binary, workflows, root);
    expect(result.findings).toEqual([]);
    expect(result.exitCode).toBe(0);
  },
  BUILD_TIMEOUT_MS,
);

it('pins every action by commit and every kind node image by digest, and never stops at the first failure', async () => {
  const { readFile } = await import('node:fs/promises');
  const yaml = await import('js-yaml');
  const text = await readFile(join(root, '.github', 'workflows', 'nightly.yml'), 'utf8');
  const uses = [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1] as string);
  expect(uses.length).toBeGreaterThan(0);
  expect(uses.filter((u) => !/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/.test(u))).toEqual([]);
  const workflow = yaml.load(text) as {
    jobs: Record<
      string,
      { strategy?: { 'fail-fast'?: boolean; matrix?: { include?: { image?: string }[] } } }
    >;
  };
  const kind = workflow.jobs.kind?.strategy;
  expect(kind?.['fail-fast']).toBe(false);
  const images = (kind?.matrix?.include ?? []).map((row) => row.image ?? '');
  expect(images.length).toBeGreaterThan(0);
  expect(images.filter((i) => !/^kindest\/node:v1\.\d+\.\d+@sha256:[0-9a-f]{64}$/.test(i))).toEqual([]);
});
