import { describe, expect, it } from 'vitest';
import { goSatisfies, kubernetesStagingVersion, parseGoMod, toolchainName, wrapperGoMod } from './gomod.js';

// Shaped like k8s.io/kubernetes' go.mod: staging siblings at v0.0.0 replaced by ./staging paths.
const kubernetesLike = `module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	github.com/spf13/cobra v1.10.0
	k8s.io/api v0.0.0
	k8s.io/client-go v0.0.0 // indirect
	k8s.io/kubelet v0.0.0
)

require k8s.io/cri-api v0.0.0

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/kubelet => ./staging/src/k8s.io/kubelet
	k8s.io/sample-cli-plugin => ./staging/src/k8s.io/sample-cli-plugin
	github.com/forked/thing => github.com/other/thing v1.2.3
)

replace k8s.io/cri-api => ./staging/src/k8s.io/cri-api
`;

// Shaped like etcd's server go.mod: ../ siblings plus a guard replace for a module it never requires.
const etcdLike = `module go.etcd.io/etcd/server/v3

go 1.24.0

require (
	go.etcd.io/etcd/api/v3 v3.6.16
	go.etcd.io/etcd/pkg/v3 v3.6.16
)

replace (
	go.etcd.io/etcd/api/v3 => ../api
	go.etcd.io/etcd/pkg/v3 => ../pkg
)

replace go.etcd.io/etcd => ./FORBIDDEN_DEPENDENCY
`;

describe('parseGoMod', () => {
  it('finds the go directive, requires in blocks and single lines, and only local replaces', () => {
    const info = parseGoMod(kubernetesLike);
    expect(info.goVersion).toBe('1.26.0');
    expect(info.requires.get('k8s.io/client-go')).toBe('v0.0.0');
    expect(info.requires.get('k8s.io/cri-api')).toBe('v0.0.0');
    expect([...info.localReplaces.keys()].sort()).toEqual([
      'k8s.io/api',
      'k8s.io/client-go',
      'k8s.io/cri-api',
      'k8s.io/kubelet',
      'k8s.io/sample-cli-plugin',
    ]);
  });
});

describe('wrapperGoMod', () => {
  it('replaces every required staging module with its v0.Y.Z twin, derived from the go.mod', () => {
    const text = wrapperGoMod({
      module: 'k8s.io/kubernetes',
      version: 'v1.37.2',
      upstreamGoMod: kubernetesLike,
      twinVersion: () => kubernetesStagingVersion('v1.37.2'),
      mainPackages: ['k8s.io/kubernetes/cmd/kubelet'],
    });
    expect(text).toContain('require k8s.io/kubernetes v1.37.2');
    expect(text).toContain('go 1.26.0');
    for (const sibling of ['api', 'client-go', 'cri-api', 'kubelet']) {
      expect(text).toContain(`\tk8s.io/${sibling} => k8s.io/${sibling} v0.37.2\n`);
    }
    // Not required upstream, so not needed; non-local replaces are upstream's business.
    expect(text).not.toContain('sample-cli-plugin');
    expect(text).not.toContain('github.com/forked/thing');
    expect(text).toMatch(/tool \(\n\tk8s\.io\/kubernetes\/cmd\/kubelet\n\)/);
  });

  it('skips guard replaces for modules upstream never requires (etcd)', () => {
    const text = wrapperGoMod({
      module: 'go.etcd.io/etcd/server/v3',
      version: 'v3.6.16',
      upstreamGoMod: etcdLike,
      twinVersion: () => 'v3.6.16',
      mainPackages: ['go.etcd.io/etcd/server/v3'],
    });
    expect(text).toContain('\tgo.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 v3.6.16\n');
    expect(text).toContain('\tgo.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 v3.6.16\n');
    expect(text).not.toContain('FORBIDDEN');
  });
});

describe('versions', () => {
  it('maps Kubernetes tags to staging tags', () => {
    expect(kubernetesStagingVersion('v1.37.2')).toBe('v0.37.2');
    expect(kubernetesStagingVersion('v1.38.0-beta.0')).toBe('v0.38.0-beta.0');
    expect(() => kubernetesStagingVersion('v2.0.0')).toThrow(/not a Kubernetes/);
  });

  it('compares the toolchain with the go directive', () => {
    expect(goSatisfies('go1.26.8', '1.26.0')).toBe(true);
    expect(goSatisfies('go1.26.8', '1.26.8')).toBe(true);
    expect(goSatisfies('go1.26.8', '1.27')).toBe(false);
    expect(goSatisfies('go1.26.8', '1.26.9')).toBe(false);
  });

  it('names the toolchain a newer go directive asks for, as GOTOOLCHAIN spells it', () => {
    expect(toolchainName('1.27.0')).toBe('go1.27.0');
    expect(toolchainName('1.27')).toBe('go1.27.0');
    expect(toolchainName('1.27rc1')).toBe('go1.27rc1');
    expect(toolchainName('go1.27.3')).toBe('go1.27.3');
  });
});
