import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeKindHost } from '../../testing/fake-kind.js';
import { findEngine, findKindBinary, probeKindTools } from './tools.js';

let root: string;
const executable = async (path: string) => {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, '#!/bin/sh\n');
  await chmod(path, 0o755);
  return path;
};

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'sc-kind-tools-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('findKindBinary', () => {
  it('takes kind on PATH first, else the newest version in the cache, and skips what is not executable', async () => {
    const cacheRoot = join(root, 'cache');
    const older = await executable(join(cacheRoot, 'bin', 'kind-v0.9.0', 'kind'));
    const newest = await executable(join(cacheRoot, 'bin', 'kind-v0.32.0', 'kind'));
    await mkdir(join(cacheRoot, 'bin', 'kind-v0.33.0'), { recursive: true });
    await writeFile(join(cacheRoot, 'bin', 'kind-v0.33.0', 'kind'), 'not executable');
    expect(await findKindBinary({ cacheRoot, env: { PATH: '' } })).toBe(newest);
    const onPath = await executable(join(root, 'path', 'kind'));
    expect(
      await findKindBinary({ cacheRoot, env: { PATH: `${join(root, 'nothing')}:${join(root, 'path')}` } }),
    ).toBe(onPath);
    await rm(newest);
    expect(await findKindBinary({ cacheRoot, env: { PATH: '' } })).toBe(older);
    expect(await findKindBinary({ cacheRoot: join(root, 'empty'), env: { PATH: '' } })).toBeUndefined();
  });
});

describe('findEngine', () => {
  it('takes docker when its daemon answers, else podman, else says what each said', async () => {
    const host = new FakeKindHost();
    host.engines = { docker: '28.2.2', podman: '4.3.1' };
    const search = { runner: host.runner, cacheRoot: root, env: {} };
    expect(await findEngine(search)).toEqual({ engine: 'docker', version: '28.2.2' });
    expect(host.lines()).toEqual(['docker info --format {{.ServerVersion}}']);
    host.engines = { podman: '4.3.1' };
    host.deadEngines.add('docker');
    expect(await findEngine(search)).toEqual({ engine: 'podman', version: '4.3.1' });
    host.engines = {};
    host.deadEngines.clear();
    expect(await findEngine(search)).toEqual({
      missing: 'a working container engine (docker is not installed; podman is not installed)',
    });
  });

  it('asks only the engine KIND_EXPERIMENTAL_PROVIDER names, and refuses one it does not drive', async () => {
    const host = new FakeKindHost();
    host.engines = { docker: '28.2.2', podman: '4.3.1' };
    expect(
      await findEngine({
        runner: host.runner,
        cacheRoot: root,
        env: { KIND_EXPERIMENTAL_PROVIDER: 'podman' },
      }),
    ).toEqual({
      engine: 'podman',
      version: '4.3.1',
    });
    expect(
      await probeKindTools({
        runner: host.runner,
        cacheRoot: root,
        env: { PATH: '', KIND_EXPERIMENTAL_PROVIDER: 'nerdctl' },
      }),
    ).toEqual({ missing: `a kind binary (none on PATH or in ${join(root, 'bin', 'kind-v*')})` });
    await executable(join(root, 'bin', 'kind-v0.32.0', 'kind'));
    expect(
      await probeKindTools({
        runner: host.runner,
        cacheRoot: root,
        env: { PATH: '', KIND_EXPERIMENTAL_PROVIDER: 'nerdctl' },
      }),
    ).toEqual({
      missing: 'KIND_EXPERIMENTAL_PROVIDER=nerdctl, which this harness does not drive (docker or podman)',
    });
  });
});
