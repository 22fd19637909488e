import { describe, expect, it } from 'vitest';
import { agnhostSpec, componentBinDir } from './build.js';

describe('agnhostSpec', () => {
  it('builds test/images/agnhost from the cluster version of k8s.io/kubernetes, cgo off, its version stamped', () => {
    const spec = agnhostSpec('1.37.2', '2.66.1');
    expect(spec.module).toBe('k8s.io/kubernetes');
    expect(spec.version).toBe('v1.37.2');
    expect(spec.twinVersion('k8s.io/api')).toBe('v0.37.2');
    expect(spec.targets).toEqual([
      { binary: 'agnhost', pkg: 'k8s.io/kubernetes/test/images/agnhost', cgo: false },
    ]);
    expect(spec.ldflags).toEqual(['-s', '-w', '-X main.Version=2.66.1']);
    expect(agnhostSpec('v1.37.2', '2.66.1').version).toBe('v1.37.2');
  });

  it('is cached beside the other binaries, in its own directory per Kubernetes version', () => {
    expect(componentBinDir(agnhostSpec('1.36.3', 'x'), '/cache')).toBe('/cache/bin/agnhost-v1.36.3');
  });
});
