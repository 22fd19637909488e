import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureSlot, versionFile } from './clusters.js';
import { formatClusterList, localClusterRows, type LocalClusterRow } from './list.js';

const row = (over: Partial<LocalClusterRow>): LocalClusterRow => ({
  name: 'm1',
  version: 'v1.37.2',
  running: 6,
  total: 6,
  apiserverUrl: 'https://127.0.0.1:20010',
  nodeIp: '10.244.1.1',
  bridge: 'scbr1',
  kubeconfig: '/s/clusters/m1/kubeconfigs/admin.conf',
  slot: 1,
  ...over,
});

describe('cluster list', () => {
  it('prints one aligned line per cluster: name, version, state, API server, node IP and bridge, kubeconfig', () => {
    const text = formatClusterList(
      [
        row({}),
        row({ name: 'm22', version: undefined, running: 0, slot: 2, nodeIp: '10.244.2.1', bridge: 'scbr2' }),
        row({
          name: 'old',
          version: '1.36.3',
          running: 3,
          slot: undefined,
          nodeIp: '10.244.0.1',
          bridge: 'scbr0',
        }),
      ],
      '/s/clusters',
    );
    expect(text.split('\n')).toEqual([
      'NAME  VERSION  STATE        API SERVER               NODE IP / BRIDGE                  KUBECONFIG',
      'm1    v1.37.2  running 6/6  https://127.0.0.1:20010  10.244.1.1 / scbr1                /s/clusters/m1/kubeconfigs/admin.conf',
      'm22   -        stopped 0/6  https://127.0.0.1:20010  10.244.2.1 / scbr2                /s/clusters/m1/kubeconfigs/admin.conf',
      'old   v1.36.3  partly 3/6   https://127.0.0.1:20010  10.244.0.1 / scbr0 (no slot yet)  /s/clusters/m1/kubeconfigs/admin.conf',
      '',
    ]);
  });

  it('says so when there is no cluster', () => {
    expect(formatClusterList([], '/s/clusters')).toBe('No local clusters (no state under /s/clusters).\n');
  });

  describe('rows from the state directory', () => {
    let root: string;
    beforeEach(async () => {
      root = await mkdtemp(join(tmpdir(), 'sc-list-'));
    });
    afterEach(async () => {
      await rm(root, { recursive: true, force: true });
    });

    it('reads each cluster’s slot and last version; none runs', async () => {
      await ensureSlot(root, 'm1', async () => new Set());
      await writeFile(versionFile(join(root, 'm1')), 'v1.36.3\n');
      await mkdir(join(root, 'sidecar-conformance'));
      const rows = await localClusterRows(root);
      expect(rows).toEqual([
        {
          name: 'm1',
          version: 'v1.36.3',
          running: 0,
          total: 6,
          apiserverUrl: 'https://127.0.0.1:20010',
          nodeIp: '10.244.1.1',
          bridge: 'scbr1',
          kubeconfig: join(root, 'm1', 'kubeconfigs', 'admin.conf'),
          slot: 1,
        },
        {
          name: 'sidecar-conformance',
          version: undefined,
          running: 0,
          total: 6,
          apiserverUrl: 'https://127.0.0.1:16443',
          nodeIp: '10.244.0.1',
          bridge: 'scbr0',
          kubeconfig: join(root, 'sidecar-conformance', 'kubeconfigs', 'admin.conf'),
          slot: 0,
        },
      ]);
    });
  });
});
