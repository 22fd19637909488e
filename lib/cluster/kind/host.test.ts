import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathExists } from '../../fs.js';
import { daemonConfig, daemonJsonText, dockerHostPaths } from './docker-files.js';
import { undoDockerHost, wrapperProblem } from './host.js';
import { WRAPPER_RUNTIME, runcWrapperScript } from './runc-wrapper.js';

describe('daemon.json', () => {
  const config = daemonConfig('/usr/local/sbin/w');

  it('makes the wrapper the default runtime', () => {
    expect(config['default-runtime']).toBe(WRAPPER_RUNTIME);
    expect(config.runtimes).toEqual({ [WRAPPER_RUNTIME]: { path: '/usr/local/sbin/w' } });
  });

  it('leaves iptables (and so the FORWARD policy) alone', () => {
    expect(config.iptables).toBe(false);
    expect(config['ip-masq']).toBe(false);
  });

  it('is JSON with a final newline', () => {
    const text = daemonJsonText('/w');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(daemonConfig('/w'));
  });
});

describe('a running dockerd', () => {
  it('is usable when its default runtime is the wrapper', () => {
    const info = {
      DefaultRuntime: WRAPPER_RUNTIME,
      Runtimes: { [WRAPPER_RUNTIME]: { path: '/w' }, runc: { path: 'runc' } },
    };
    expect(wrapperProblem(info, '/w')).toBeUndefined();
  });

  it('is not when it runs plain runc, and the reason says which runtime it uses', () => {
    const info = { DefaultRuntime: 'runc', Runtimes: { runc: { path: 'runc' } } };
    expect(wrapperProblem(info, '/w')).toBe('its default runtime is runc (runc), not /w');
  });
});

describe('paths', () => {
  it('keeps the log and pid under the state directory', () => {
    const paths = dockerHostPaths('/s');
    expect(paths.log).toBe('/s/docker/dockerd.log');
    expect(paths.pid).toBe('/s/docker/dockerd.pid');
    expect(paths.daemonJson).toBe('/etc/docker/daemon.json');
  });
});

describe('setup --kind --undo', () => {
  const temp = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kind-undo-test-'));
    const state = join(dir, 'state');
    return {
      dir,
      paths: {
        ...dockerHostPaths(state),
        wrapper: join(dir, 'wrapper'),
        daemonJson: join(dir, 'daemon.json'),
      },
    };
  };

  it('removes the wrapper and daemon.json it wrote', async () => {
    const { dir, paths } = await temp();
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.wrapper, runcWrapperScript({ realRunc: '/usr/sbin/runc', jq: '/usr/bin/jq' }));
    await writeFile(paths.daemonJson, daemonJsonText(paths.wrapper));
    await writeFile(paths.ownDaemonJson, daemonJsonText(paths.wrapper));
    const result = await undoDockerHost(() => {}, { paths });
    expect(result.removed).toEqual([paths.wrapper, paths.daemonJson]);
    expect(await pathExists(paths.wrapper)).toBe(false);
    expect(await pathExists(paths.daemonJson)).toBe(false);
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves files it did not write (or that were changed since) alone', async () => {
    const { dir, paths } = await temp();
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.wrapper, '#!/bin/sh\nexec runc "$@"\n');
    await writeFile(paths.ownDaemonJson, daemonJsonText(paths.wrapper));
    await writeFile(paths.daemonJson, '{"debug": true}\n');
    const result = await undoDockerHost(() => {}, { paths });
    expect(result.removed).toEqual([]);
    expect(result.leftAlone).toEqual(
      expect.arrayContaining([`${paths.wrapper} (not ours)`, `${paths.daemonJson} (not ours)`]),
    );
    expect(await pathExists(paths.wrapper)).toBe(true);
    expect(await pathExists(paths.daemonJson)).toBe(true);
    await rm(dir, { recursive: true, force: true });
  });
});
