import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KIND_VERSION, kindPath } from './binary.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kind-binary-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('the kind binary', () => {
  it('is cached keyed by version', () => {
    expect(kindPath('/c')).toBe(`/c/bin/kind-${KIND_VERSION}/kind`);
    expect(kindPath('/c', 'v0.32.0')).toBe('/c/bin/kind-v0.32.0/kind');
  });
});
