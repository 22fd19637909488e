import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureGoTool, goToolPath } from './go-tool.js';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

describe('a Go tool in the cache', () => {
  it('lives under bin/<name>-<version>/<name>', () => {
    expect(goToolPath('/c', { name: 'kind', version: 'v0.33.0' })).toBe('/c/bin/kind-v0.33.0/kind');
  });

  it('is not built again when the cache has it', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'go-tool-test-'));
    dirs.push(cache);
    const tool = { name: 'demo', module: 'example.invalid/demo', version: 'v1.0.0' };
    const path = goToolPath(cache, tool);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '#!/bin/sh\n', { mode: 0o755 });
    const lines: string[] = [];
    expect(await ensureGoTool(tool, { cache, onProgress: (l) => lines.push(l) })).toBe(path);
    expect(lines).toEqual([]);
  });
});
