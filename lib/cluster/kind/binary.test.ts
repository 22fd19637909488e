import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_VERSION, findKind, kindPath } from './binary.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kind-binary-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function executable(path: string) {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
}

describe('the kind binary', () => {
  it('is cached keyed by version', () => {
    expect(kindPath('/c')).toBe(`/c/bin/kind-${KIND_VERSION}/kind`);
    expect(kindPath('/c', 'v0.32.0')).toBe('/c/bin/kind-v0.32.0/kind');
  });

  it('prefers a kind on PATH, then the cached build, else none', async () => {
    const cache = join(dir, 'cache');
    const onPath = join(dir, 'path-bin');
    expect(await findKind({ cache, path: onPath })).toBeUndefined();
    await executable(kindPath(cache));
    expect(await findKind({ cache, path: onPath })).toBe(kindPath(cache));
    await executable(join(onPath, 'kind'));
    expect(await findKind({ cache, path: `/nonexistent:${onPath}` })).toBe(join(onPath, 'kind'));
  });
});
