import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KIND_CONFIG, writeKindConfig } from './config.js';

describe('writeKindConfig', () => {
  it('keeps the repository config as it is, patches as literal blocks, and adds the name and the gates over its own', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-kind-config-'));
    try {
      const from = join(dir, 'in.yaml');
      const to = join(dir, 'out.yaml');
      const patch =
        'kind: KubeletConfiguration\n# a comment long enough to be folded by a dumper that wraps lines at eighty columns, which it must not\nfailCgroupV1: false\n';
      await writeFile(
        from,
        yaml.dump({
          kind: 'Cluster',
          apiVersion: 'kind.x-k8s.io/v1alpha4',
          name: 'sidecar-conformance',
          featureGates: { A: true, B: false },
          kubeadmConfigPatches: [patch],
        }),
      );
      await writeKindConfig({ from, to, name: 'sc-test', featureGates: { B: true, C: true } });
      const text = await readFile(to, 'utf8');
      expect(text).toContain('  - |\n    kind: KubeletConfiguration\n');
      expect(yaml.load(text)).toEqual({
        kind: 'Cluster',
        apiVersion: 'kind.x-k8s.io/v1alpha4',
        name: 'sc-test',
        featureGates: { A: true, B: true, C: true },
        kubeadmConfigPatches: [patch],
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads the repository’s kind-config.yaml', async () => {
    expect(yaml.load(await readFile(KIND_CONFIG, 'utf8'))).toMatchObject({ kind: 'Cluster' });
  });
});
