import { readFileSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ExitCode, UserError } from '../../errors.js';
import {
  DEFAULT_CLUSTER_NAME,
  LOCAL_COMPONENTS,
  MAX_SLOT,
  layoutFor,
  slotValues,
  type LocalClusterLayout,
} from './configs/layout.js';
import { withLock } from './lock.js';
import { runningPid } from './processes.js';

/**
 * The local clusters on this host, one directory each under `<state>/clusters/`. Each has a slot
 * (layout.ts, slotValues): 0 for the default cluster, a number from 1 allocated at its first `up`
 * and kept in its `slot` file for clusters of other names, so their ports, bridge and CIDRs never
 * meet and stay the same across `down` and `up` (their certificates name the node IP).
 */

export interface LocalClusterEntry {
  name: string;
  dir: string;
  /** Undefined for a cluster of another name that has no slot yet (never up, or made before slots). */
  slot: number | undefined;
  layout: LocalClusterLayout;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,40}$/;

/** The version `up` writes into the cluster directory, for `cluster list` while the cluster is down. */
export const versionFile = (dir: string): string => join(dir, 'version');

/** The slot a cluster directory has: 0 for the default name, else what its slot file says. */
export function slotOf(dir: string, name: string): number | undefined {
  if (name === DEFAULT_CLUSTER_NAME) return 0;
  const text = (() => {
    try {
      return readFileSync(join(dir, 'slot'), 'utf8');
    } catch {
      return '';
    }
  })();
  const slot = Number(text.trim());
  return text.trim() && Number.isInteger(slot) && slot >= 1 && slot <= MAX_SLOT ? slot : undefined;
}

/**
 * The layout of a cluster directory. One without a slot gets slot 0's values, as every cluster had
 * before slots; `down` then leaves alone whatever another running cluster uses (see teardown).
 */
export function layoutOf(dir: string, name: string): LocalClusterLayout {
  return layoutFor(dir, slotOf(dir, name) ?? 0);
}

/** Every cluster directory under `root` (`<state>/clusters`), by name. */
export async function localClusters(root: string): Promise<LocalClusterEntry[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && NAME.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const dir = join(root, name);
      const slot = slotOf(dir, name);
      return { name, dir, slot, layout: layoutFor(dir, slot ?? 0) };
    });
}

/** How many of the cluster's components run (by their pid files). */
export async function runningComponents(layout: LocalClusterLayout): Promise<number> {
  const pids = await Promise.all(LOCAL_COMPONENTS.map((c) => runningPid(layout.pidFiles[c])));
  return pids.filter(Boolean).length;
}

/** The lowest slot from 1 that no other cluster directory holds and whose bridge is not on the host. */
export function freeSlot(
  taken: Iterable<number>,
  bridgeInUse: (bridge: string) => boolean = () => false,
): number {
  const used = new Set(taken);
  for (let slot = 1; slot <= MAX_SLOT; slot++) {
    if (!used.has(slot) && !bridgeInUse(slotValues(slot).bridge)) return slot;
  }
  throw new UserError(
    `All ${MAX_SLOT} local cluster slots are held by cluster directories under the state directory; remove the directories of clusters you no longer need.`,
    ExitCode.clusterStartFailed,
  );
}

/**
 * The cluster's slot, allocated under a lock on the clusters directory if it has none yet, so two
 * `up`s of different names at once never get the same one.
 */
export async function ensureSlot(
  root: string,
  name: string,
  /** Network device names on the host: a slot whose bridge is there (not ours) is skipped. */
  hostLinks: () => Promise<Set<string>>,
): Promise<number> {
  const dir = join(root, name);
  const have = slotOf(dir, name);
  if (have !== undefined) return have;
  await mkdir(dir, { recursive: true });
  return withLock(
    join(root, '.slots.lock'),
    'allocating a local cluster slot',
    async () => {
      const again = slotOf(dir, name);
      if (again !== undefined) return again;
      const taken = (await localClusters(root))
        .filter((c) => c.name !== name && c.slot !== undefined)
        .map((c) => c.slot as number);
      const links = await hostLinks();
      const slot = freeSlot(taken, (bridge) => links.has(bridge));
      await writeFile(join(dir, 'slot'), `${slot}\n`);
      return slot;
    },
    10_000,
  );
}
