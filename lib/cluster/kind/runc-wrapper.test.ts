import { chmod, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WRAPPER_MARK, runcWrapperScript } from './runc-wrapper.js';

// The wrapper as dockerd's shim runs it: real sh and jq, a fake runc that records its arguments.

const ALL = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_SYS_RESOURCE', 'CAP_NET_ADMIN'];
const caps = () => ({ bounding: ALL, effective: ALL, inheritable: ALL, permitted: ALL, ambient: ALL });
const KEPT = ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'];

let dir: string;
let wrapper: string;
let argsFile: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runc-wrapper-test-'));
  argsFile = join(dir, 'runc-args');
  const fakeRunc = join(dir, 'runc');
  await writeFile(fakeRunc, `#!/bin/sh\nprintf '%s\\n' "$@" > '${argsFile}'\n`);
  await chmod(fakeRunc, 0o755);
  wrapper = join(dir, 'wrapper');
  const jq = (await execa('which', ['jq'], { reject: false })).stdout.trim() || '/usr/bin/jq';
  await writeFile(wrapper, runcWrapperScript({ realRunc: fakeRunc, jq }));
  await chmod(wrapper, 0o755);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function bundle(name: string): Promise<string> {
  const path = join(dir, name);
  await mkdir(path, { recursive: true });
  await writeFile(
    join(path, 'config.json'),
    JSON.stringify({
      ociVersion: '1.0.2',
      process: { args: ['/sbin/init'], capabilities: caps() },
      root: { path: 'rootfs' },
    }),
  );
  return path;
}

interface Spec {
  args?: string[];
  capabilities?: Record<string, string[]>;
  process: { args: string[]; capabilities: Record<string, string[]> };
  root?: unknown;
}
const json = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Spec;

describe('the runc wrapper', () => {
  it('starts with the mark --undo looks for', () => {
    expect(runcWrapperScript({ realRunc: '/usr/sbin/runc', jq: '/usr/bin/jq' }).split('\n')[1]).toContain(
      WRAPPER_MARK,
    );
  });

  it('drops CAP_SYS_RESOURCE from every set of a create --bundle spec and passes the arguments on unchanged', async () => {
    const b = await bundle('create');
    const args = ['--root', '/run/x', '--log', '/l.json', 'create', '--bundle', b, '--pid-file', '/p', 'id1'];
    await execa(wrapper, args);
    const spec = await json(join(b, 'config.json'));
    for (const set of Object.values(spec.process.capabilities)) expect(set).toEqual(KEPT);
    expect(spec.process.args).toEqual(['/sbin/init']);
    expect(spec.root).toEqual({ path: 'rootfs' });
    expect((await readFile(argsFile, 'utf8')).trim().split('\n')).toEqual(args);
  });

  it('understands --bundle=DIR and -b DIR', async () => {
    for (const [name, args] of [
      ['eq', (b: string) => ['create', `--bundle=${b}`, 'id']],
      ['short', (b: string) => ['create', '-b', b, 'id']],
    ] as const) {
      const b = await bundle(name);
      await execa(wrapper, args(b));
      expect((await json(join(b, 'config.json'))).process.capabilities.bounding).toEqual(KEPT);
    }
  });

  it('drops it from an exec --process file (docker exec --privileged asks for every capability again)', async () => {
    const process = join(dir, 'process.json');
    await writeFile(process, JSON.stringify({ args: ['kubeadm', 'init'], capabilities: caps(), cwd: '/' }));
    await execa(wrapper, ['exec', '--detach', '--process', process, '--pid-file', '/p', 'id1']);
    const spec = await json(process);
    for (const set of Object.values(spec.capabilities ?? {})) expect(set).toEqual(KEPT);
    expect(spec.args).toEqual(['kubeadm', 'init']);
  });

  it('leaves specs without capabilities alone and other commands untouched', async () => {
    const process = join(dir, 'plain.json');
    await writeFile(process, JSON.stringify({ args: ['true'] }));
    await execa(wrapper, ['exec', '-p', process, 'id1']);
    expect(await json(process)).toEqual({ args: ['true'] });
    await execa(wrapper, ['state', 'id1']);
    expect((await readFile(argsFile, 'utf8')).trim()).toBe('state\nid1');
  });

  it('fails, naming the file, when the spec cannot be rewritten', async () => {
    const b = join(dir, 'broken');
    await mkdir(b, { recursive: true });
    await writeFile(join(b, 'config.json'), '{not json');
    const result = await execa(wrapper, ['create', '--bundle', b, 'id'], { reject: false });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`could not rewrite ${b}/config.json`);
  });
});
