import { describe, expect, it } from 'vitest';
import { containerdConfig, type ContainerdConfigOptions } from './containerd.js';

/** The `key = value` lines directly inside one TOML table (sub-tables excluded). */
function tomlTable(text: string, header: string): string[] {
  const lines = text.split('\n').map((line) => line.trim());
  const start = lines.indexOf(`[${header}]`);
  if (start < 0) throw new Error(`no [${header}] table`);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('[')) break;
    if (line && !line.startsWith('#')) body.push(line);
  }
  return body;
}

describe('containerdConfig', () => {
  const base: Omit<ContainerdConfigOptions, 'major'> = {
    root: '/c/root',
    state: '/c/state',
    socket: '/c/containerd.sock',
    sandboxImage: 'localhost/sidecar-conformance/pause:1.0',
    cniBinDir: '/usr/lib/cni',
    cniConfDir: '/c/net.d',
    runcPath: '/usr/sbin/runc',
  };

  it.each([1, 2] as const)('containerd %i: own root, state and sockets', (major) => {
    const text = containerdConfig({ ...base, major });
    expect(text).toMatch(/^root = "\/c\/root"$/m);
    expect(text).toMatch(/^state = "\/c\/state"$/m);
    expect(tomlTable(text, 'grpc')).toEqual(['address = "/c/containerd.sock"']);
    expect(tomlTable(text, 'ttrpc')).toEqual(['address = "/c/containerd.sock.ttrpc"']);
    expect(tomlTable(text, 'plugins."io.containerd.internal.v1.opt"')).toEqual(['path = "/c/root/opt"']);
    expect(text).not.toMatch(/mirrors|endpoint|systemd_cgroup = true|SystemdCgroup = true/);
  });

  it.each([
    [1, 'plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options'],
    [2, 'plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc.options'],
  ] as const)('containerd %i: runc keeps its state under ours when given a root', (major, table) => {
    expect(tomlTable(containerdConfig({ ...base, major, runcRoot: '/c/state/runc' }), table)).toEqual([
      'BinaryName = "/usr/sbin/runc"',
      'SystemdCgroup = false',
      'Root = "/c/state/runc"',
    ]);
    expect(tomlTable(containerdConfig({ ...base, major }), table)).not.toContainEqual(
      expect.stringMatching(/^Root/),
    );
  });

  it.each([1, 2] as const)('containerd %i: every line is a header, a comment or a key = value', (major) => {
    const lines = containerdConfig({ ...base, major }).split('\n');
    const headers = lines.filter((line) => line.trim().startsWith('['));
    expect(new Set(headers).size).toBe(headers.length);
    for (const line of lines) expect(line.trim()).toMatch(/^$|^#|^\[[^\]]+\]$|^[A-Za-z_]+ = \S/);
  });

  describe('2.x', () => {
    const text = containerdConfig({ ...base, major: 2 });
    const runtime = 'plugins."io.containerd.cri.v1.runtime"';
    const images = 'plugins."io.containerd.cri.v1.images"';

    it('is config version 3', () => {
      expect(text).toMatch(/^version = 3$/m);
    });

    it('sets restrict_oom_score_adj in the CRI runtime plugin, and only there', () => {
      expect(tomlTable(text, runtime)).toContain('restrict_oom_score_adj = true');
      expect(text.match(/restrict_oom_score_adj/g)).toHaveLength(1);
    });

    it('pins the sandbox image and uses overlayfs in the CRI images plugin', () => {
      expect(tomlTable(text, images)).toEqual(['snapshotter = "overlayfs"']);
      expect(tomlTable(text, `${images}.pinned_images`)).toEqual([`sandbox = "${base.sandboxImage}"`]);
      expect(text).not.toMatch(/sandbox_image/);
    });

    it('runs runc at the given path with cgroupfs', () => {
      expect(tomlTable(text, `${runtime}.containerd`)).toEqual(['default_runtime_name = "runc"']);
      expect(tomlTable(text, `${runtime}.containerd.runtimes.runc`)).toEqual([
        'runtime_type = "io.containerd.runc.v2"',
      ]);
      expect(tomlTable(text, `${runtime}.containerd.runtimes.runc.options`)).toEqual([
        'BinaryName = "/usr/sbin/runc"',
        'SystemdCgroup = false',
      ]);
    });

    it('reads CNI from bin_dirs (2.4 has no bin_dir) and our conf dir', () => {
      expect(tomlTable(text, `${runtime}.cni`)).toEqual([
        'bin_dirs = ["/usr/lib/cni"]',
        'conf_dir = "/c/net.d"',
        'max_conf_num = 1',
      ]);
    });

    it('disables plugins that cannot work here, NRI included', () => {
      const disabled = /^disabled_plugins = (.*)$/m.exec(text)?.[1] ?? '';
      for (const id of ['btrfs', 'zfs', 'devmapper', 'blockfile', 'erofs']) {
        expect(disabled).toContain(`"io.containerd.snapshotter.v1.${id}"`);
      }
      expect(disabled).toContain('"io.containerd.nri.v1.nri"');
      expect(disabled).not.toContain('overlayfs');
    });

    it('keeps the CRI streaming server on loopback', () => {
      expect(tomlTable(text, 'plugins."io.containerd.grpc.v1.cri"')).toContain(
        'stream_server_address = "127.0.0.1"',
      );
    });
  });

  describe('1.6', () => {
    const text = containerdConfig({ ...base, major: 1 });
    const cri = 'plugins."io.containerd.grpc.v1.cri"';

    it('is config version 2 with everything in the one CRI plugin table', () => {
      expect(text).toMatch(/^version = 2$/m);
      expect(text).not.toMatch(/io\.containerd\.cri\.v1/);
      expect(tomlTable(text, cri)).toEqual(
        expect.arrayContaining([`sandbox_image = "${base.sandboxImage}"`, 'restrict_oom_score_adj = true']),
      );
      expect(text.match(/restrict_oom_score_adj/g)).toHaveLength(1);
    });

    it('uses overlayfs, runc with cgroupfs, and bin_dir for CNI', () => {
      expect(tomlTable(text, `${cri}.containerd`)).toEqual([
        'snapshotter = "overlayfs"',
        'default_runtime_name = "runc"',
      ]);
      expect(tomlTable(text, `${cri}.containerd.runtimes.runc.options`)).toContain('SystemdCgroup = false');
      expect(tomlTable(text, `${cri}.cni`)).toEqual([
        'bin_dir = "/usr/lib/cni"',
        'conf_dir = "/c/net.d"',
        'max_conf_num = 1',
      ]);
      expect(text).toContain('"io.containerd.snapshotter.v1.aufs"');
    });
  });
});
