import { describe, expect, it } from 'vitest';
import { daemonConfig, daemonJsonText, dockerHostPaths, wrapperProblem } from './host.js';
import { WRAPPER_RUNTIME } from './runc-wrapper.js';

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
