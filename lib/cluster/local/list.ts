import { readFile } from 'node:fs/promises';
import { LOCAL_COMPONENTS } from './configs/layout.js';
import { localClusters, versionFile } from './clusters.js';
import { runningBinary } from './processes.js';

/** One line of `cluster list`: a local cluster with state on this host. */
export interface LocalClusterRow {
  name: string;
  /** Kubernetes version of its running API server, else of its last `up`; undefined if never known. */
  version: string | undefined;
  running: number;
  total: number;
  apiserverUrl: string;
  nodeIp: string;
  bridge: string;
  kubeconfig: string;
  /** Undefined: a directory from before slots (it would use slot 0's values). */
  slot: number | undefined;
}

const versionInPath = (binary: string | undefined): string | undefined =>
  binary ? /\/kubernetes-v(\d+\.\d+\.\d+[^/]*)\//.exec(binary)?.[1] : undefined;

export async function localClusterRows(root: string): Promise<LocalClusterRow[]> {
  return Promise.all(
    (await localClusters(root)).map(async ({ name, dir, slot, layout }) => {
      const binaries = await Promise.all(LOCAL_COMPONENTS.map((c) => runningBinary(layout.pidFiles[c])));
      const apiserver = binaries[LOCAL_COMPONENTS.indexOf('kube-apiserver')];
      const recorded = (await readFile(versionFile(dir), 'utf8').catch(() => '')).trim() || undefined;
      return {
        name,
        version: versionInPath(apiserver) ?? recorded,
        running: binaries.filter(Boolean).length,
        total: LOCAL_COMPONENTS.length,
        apiserverUrl: layout.apiserverUrl,
        nodeIp: layout.nodeIp,
        bridge: layout.cni.bridge,
        kubeconfig: layout.kubeconfigs.admin,
        slot,
      };
    }),
  );
}

const state = (row: LocalClusterRow): string =>
  row.running === row.total
    ? `running ${row.running}/${row.total}`
    : row.running === 0
      ? `stopped 0/${row.total}`
      : `partly ${row.running}/${row.total}`;

/** A table with one line per cluster, or one sentence when there is none. */
export function formatClusterList(rows: LocalClusterRow[], root: string): string {
  if (rows.length === 0) return `No local clusters (no state under ${root}).\n`;
  const table = [
    ['NAME', 'VERSION', 'STATE', 'API SERVER', 'NODE IP / BRIDGE', 'KUBECONFIG'],
    ...rows.map((r) => [
      r.name,
      r.version ? `v${r.version.replace(/^v/, '')}` : '-',
      state(r),
      r.apiserverUrl,
      r.slot === undefined ? `${r.nodeIp} / ${r.bridge} (no slot yet)` : `${r.nodeIp} / ${r.bridge}`,
      r.kubeconfig,
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  return `${table.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')).join('\n')}\n`;
}
