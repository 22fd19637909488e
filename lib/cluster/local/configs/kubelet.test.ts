import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { kubeletConfig } from './kubelet.js';
import { layoutFor } from './layout.js';

const layout = layoutFor('/var/tmp/sc/clusters/demo');

describe('kubeletConfig', () => {
  const config = (cgroupV1: boolean, kubernetesMinor: number): Record<string, unknown> => {
    const text = kubeletConfig({ layout, cgroupV1, kubernetesMinor, resolvConf: '/etc/resolv.conf' });
    return yaml.load(text) as Record<string, unknown>;
  };

  it('is a v1beta1 KubeletConfiguration with webhook authn/authz and no anonymous access', () => {
    const c = config(true, 37);
    expect(c).toMatchObject({
      apiVersion: 'kubelet.config.k8s.io/v1beta1',
      kind: 'KubeletConfiguration',
      authentication: {
        anonymous: { enabled: false },
        webhook: { enabled: true },
        x509: { clientCAFile: layout.pki.ca.cert },
      },
      authorization: { mode: 'Webhook' },
    });
  });

  it('serves on the node IP with our certificate, health on loopback, no read-only port', () => {
    expect(config(true, 37)).toMatchObject({
      address: layout.nodeIp,
      port: 10250,
      healthzBindAddress: '127.0.0.1',
      healthzPort: 10248,
      readOnlyPort: 0,
      tlsCertFile: layout.pki.kubeletServing.cert,
      tlsPrivateKeyFile: layout.pki.kubeletServing.key,
      rotateCertificates: false,
      serverTLSBootstrap: false,
    });
  });

  it('fits these hosts: cgroupfs, our containerd, no swap check, no shutdown inhibitors', () => {
    expect(config(true, 37)).toMatchObject({
      cgroupDriver: 'cgroupfs',
      containerRuntimeEndpoint: `unix://${layout.containerd.socket}`,
      failSwapOn: false,
      protectKernelDefaults: false,
      resolvConf: '/etc/resolv.conf',
      shutdownGracePeriod: '0s',
    });
  });

  it.each([
    { cgroupV1: true, minor: 37, expected: false },
    { cgroupV1: true, minor: 35, expected: false },
    { cgroupV1: true, minor: 31, expected: false },
    { cgroupV1: true, minor: 30, expected: undefined },
    { cgroupV1: false, minor: 37, expected: undefined },
  ])('failCgroupV1 on cgroup v1=$cgroupV1, minor $minor: $expected', ({ cgroupV1, minor, expected }) => {
    const c = config(cgroupV1, minor);
    expect(c['failCgroupV1']).toBe(expected);
    expect('failCgroupV1' in c).toBe(expected !== undefined);
  });

  it('never collects our images and never evicts for a busy disk', () => {
    const c = config(true, 37) as {
      imageGCHighThresholdPercent: number;
      imageGCLowThresholdPercent: number;
      evictionHard: Record<string, string>;
    };
    expect(c.imageGCHighThresholdPercent).toBe(100);
    expect(c.imageGCLowThresholdPercent).toBe(99);
    expect(c.imageGCLowThresholdPercent).toBeLessThan(c.imageGCHighThresholdPercent);
    expect(c.evictionHard).toEqual({
      'memory.available': '100Mi',
      'nodefs.available': '1%',
      'nodefs.inodesFree': '1%',
      'imagefs.available': '1%',
      'imagefs.inodesFree': '1%',
    });
  });

  it('leaves DNS, static pods, sync frequency and the pid limit at their defaults', () => {
    const c = config(true, 37);
    for (const field of ['clusterDNS', 'clusterDomain', 'staticPodPath', 'syncFrequency', 'podPidsLimit']) {
      expect(c).not.toHaveProperty(field);
    }
  });

  it('carries the gates the cluster is brought up with, and none by default', () => {
    expect(config(true, 37)).not.toHaveProperty('featureGates');
    const text = kubeletConfig({
      layout,
      cgroupV1: true,
      kubernetesMinor: 35,
      resolvConf: '/etc/resolv.conf',
      featureGates: { RestartAllContainersOnContainerExits: true, ContainerRestartRules: false },
    });
    expect((yaml.load(text) as Record<string, unknown>).featureGates).toEqual({
      RestartAllContainersOnContainerExits: true,
      ContainerRestartRules: false,
    });
  });
});
