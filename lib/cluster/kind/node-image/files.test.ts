import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ENTRYPOINT } from './entrypoint.js';
import { NODE_CNI_BIN_DIRS, nodeContainerdConfig, nodeFiles, ptpConflist } from './files.js';

const options = {
  kubernetesVersion: 'v1.37.2',
  sandboxImage: 'registry.k8s.io/pause:3.10.2',
  podSubnet: '10.244.0.0/24',
};

describe("the node's containerd config", () => {
  const text = nodeContainerdConfig(options);

  it('is version 3, with restrict_oom_score_adj on (runc here cannot lower oom_score_adj)', () => {
    expect(text).toMatch(/^version = 3$/m);
    expect(text).toMatch(/^\s+restrict_oom_score_adj = true$/m);
  });

  it("pins kubeadm's pause image as the sandbox", () => {
    expect(text).toContain('sandbox = "registry.k8s.io/pause:3.10.2"');
  });

  it('uses the systemd cgroup driver, as kind configures the kubelet', () => {
    expect(text).toMatch(/SystemdCgroup = true/);
  });

  it('keeps the snapshotter where `kind load` reads it (plugins.io.containerd.cri.v1.images)', () => {
    expect(text).toMatch(
      /\[plugins\."io\.containerd\.cri\.v1\.images"\]\n\s+#[^\n]*\n\s+snapshotter = "overlayfs"/,
    );
    expect(text).toContain(`bin_dirs = ${JSON.stringify(NODE_CNI_BIN_DIRS)}`);
  });
});

describe('the static CNI config', () => {
  it('is ptp with host-local addresses from the pod subnet, and portmap', () => {
    const conf = JSON.parse(ptpConflist('10.244.0.0/24')) as { plugins: { type: string; ipam?: unknown }[] };
    expect(conf.plugins.map((p) => p.type)).toEqual(['ptp', 'portmap']);
    expect(conf.plugins[0]?.ipam).toMatchObject({
      type: 'host-local',
      ranges: [[{ subnet: '10.244.0.0/24' }]],
    });
  });
});

describe('the node files', () => {
  const files = nodeFiles(options);
  const byPath = new Map(files.map((f) => [f.path, f]));

  it('write /kind/version, which kind reads to pick its kubeadm config', () => {
    expect(byPath.get('kind/version')?.content).toBe('v1.37.2\n');
  });

  it('make the entrypoint executable and list every path once, relative', () => {
    expect(byPath.get('usr/local/bin/entrypoint')?.mode).toBe(0o755);
    expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
    for (const f of files) expect(f.path.startsWith('/')).toBe(false);
  });
});

describe('the entrypoint', () => {
  it("never prints kind's cgroup v1 marker, so kind waits for systemd's multi-user target", () => {
    expect(ENTRYPOINT).not.toMatch(/detected cgroup v1/);
  });

  it("points resolv.conf away from docker's embedded DNS (no iptables rules here), and only that line", () => {
    const expression = /sed '([^']+)' \/etc\/resolv\.conf/.exec(ENTRYPOINT)?.[1];
    expect(expression).toBeDefined();
    const sed = (input: string) => execFileSync('sed', [expression!], { input, encoding: 'utf8' });
    expect(sed('nameserver 127.0.0.11\noptions ndots:0\n')).toBe('nameserver 127.0.0.1\noptions ndots:0\n');
    expect(sed('nameserver 10.0.0.2\nnameserver 127.0.0.111\n')).toBe(
      'nameserver 10.0.0.2\nnameserver 127.0.0.111\n',
    );
  });

  it('ends by exec-ing its arguments (/sbin/init)', () => {
    expect(ENTRYPOINT.trim().split('\n').at(-1)).toBe('exec "$@"');
  });
});
