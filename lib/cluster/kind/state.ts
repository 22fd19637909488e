import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FeatureGates } from '../feature-gates.js';
import type { ContainerEngine } from './tools.js';

/**
 * What the harness keeps per kind cluster, under `<state>/kind/<name>/`: the kubeconfig it wrote,
 * the config it created the cluster from, the marker that says the harness created it (only then
 * does `down` delete it), where the node is (for the runtime's times) and the logs of failed ups.
 */

export interface KindPaths {
  dir: string;
  kubeconfig: string;
  /** Written just before `kind create cluster`: present = this harness created the cluster. */
  marker: string;
  /** Engine, node and loaded images, written at every up (also of a cluster it did not create). */
  cluster: string;
  config: string;
  lock: string;
  logs: string;
}

export function kindPaths(stateRoot: string, name: string): KindPaths {
  const dir = join(stateRoot, 'kind', name);
  return {
    dir,
    kubeconfig: join(dir, 'kubeconfig'),
    marker: join(dir, 'created-by-sidecar-conformance.json'),
    cluster: join(dir, 'cluster.json'),
    config: join(dir, 'kind-config.yaml'),
    lock: join(dir, 'lock'),
    logs: join(dir, 'logs'),
  };
}

/** What the marker records about a cluster this harness created. */
export interface CreatedMarker {
  createdAt: string;
  /** The process that created it (for people reading the file). */
  pid: number;
  nodeImage: string;
  kubernetesVersion: string;
  featureGates: FeatureGates;
}

export interface KindClusterRecord {
  engine: ContainerEngine;
  node: string;
  /** Image reference → the archive it was loaded from (a changed archive is loaded again). */
  loaded: Record<string, string>;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export const readMarker = (paths: KindPaths) => readJson<CreatedMarker>(paths.marker);
export const readClusterRecord = (paths: KindPaths) => readJson<KindClusterRecord>(paths.cluster);

/** The record, read synchronously: `runtime()` is synchronous. */
export function readClusterRecordSync(paths: KindPaths): KindClusterRecord | undefined {
  if (!existsSync(paths.cluster)) return undefined;
  try {
    return JSON.parse(readFileSync(paths.cluster, 'utf8')) as KindClusterRecord;
  } catch {
    return undefined;
  }
}

async function writeJson(path: string, value: unknown): Promise<void> {
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

export async function writeMarker(paths: KindPaths, marker: CreatedMarker): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeJson(paths.marker, marker);
}

export async function writeClusterRecord(paths: KindPaths, record: KindClusterRecord): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  await writeJson(paths.cluster, record);
}

/** After a delete: everything but the logs of earlier failed ups. */
export async function forgetCluster(paths: KindPaths): Promise<void> {
  for (const path of [paths.marker, paths.cluster, paths.kubeconfig, paths.config]) {
    await rm(path, { force: true });
  }
}
