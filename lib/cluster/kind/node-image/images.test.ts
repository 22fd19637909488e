import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { buildOciArchive } from '../../local/oci.js';
import { binaryImageSpec, parseKubeadmImages } from './images.js';

// `kubeadm config images list --kubernetes-version v1.37.2` from the kubeadm built here.
const KUBEADM_V1_37_2 = `registry.k8s.io/kube-apiserver:v1.37.2
registry.k8s.io/kube-controller-manager:v1.37.2
registry.k8s.io/kube-scheduler:v1.37.2
registry.k8s.io/kube-proxy:v1.37.2
registry.k8s.io/coredns/coredns:v1.14.6
registry.k8s.io/pause:3.10.2
registry.k8s.io/etcd:3.7.0-0
`;

describe("kubeadm's image list", () => {
  it('names each control-plane image by role, exactly as printed', () => {
    expect(parseKubeadmImages(KUBEADM_V1_37_2)).toEqual({
      apiserver: 'registry.k8s.io/kube-apiserver:v1.37.2',
      controllerManager: 'registry.k8s.io/kube-controller-manager:v1.37.2',
      scheduler: 'registry.k8s.io/kube-scheduler:v1.37.2',
      proxy: 'registry.k8s.io/kube-proxy:v1.37.2',
      coredns: 'registry.k8s.io/coredns/coredns:v1.14.6',
      pause: 'registry.k8s.io/pause:3.10.2',
      etcd: 'registry.k8s.io/etcd:3.7.0-0',
    });
  });

  it('ignores kubeadm warnings mixed into the output', () => {
    const noisy = `W1201 15:26:05 images.go:86] could not find officially supported version of etcd\n${KUBEADM_V1_37_2}`;
    expect(parseKubeadmImages(noisy).etcd).toBe('registry.k8s.io/etcd:3.7.0-0');
  });

  it('says which image is missing', () => {
    expect(() => parseKubeadmImages('registry.k8s.io/pause:3.10.2\n')).toThrow(
      /names no kube-apiserver image/,
    );
  });
});

describe('control-plane images', () => {
  it('put a static binary on PATH under the reference kubeadm uses', async () => {
    const busybox = await readFile('/bin/busybox');
    const spec = binaryImageSpec('registry.k8s.io/etcd:3.7.0-0', 'etcd', busybox);
    expect(spec.entries.find((e) => e.path === 'usr/local/bin/etcd')).toMatchObject({
      type: 'file',
      mode: 0o755,
    });
    expect(spec.env).toEqual(['PATH=/usr/local/bin:/usr/bin:/bin']);
    expect(buildOciArchive(spec).manifestDigest).toMatch(/^sha256:/);
  });

  it('refuse a dynamically linked binary, which could not run alone', async () => {
    const node = await readFile(process.execPath);
    expect(() => binaryImageSpec('registry.k8s.io/kube-apiserver:v1.37.2', 'kube-apiserver', node)).toThrow(
      /not a static executable/,
    );
  });
});
