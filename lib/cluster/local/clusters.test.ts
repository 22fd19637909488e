import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../errors.js';
import { ensureSlot, freeSlot, layoutOf, localClusters, slotOf } from './clusters.js';
import {
  DEFAULT_CLUSTER_NAME,
  MAX_SLOT,
  layoutFor,
  slotValues,
  type LocalClusterLayout,
} from './configs/layout.js';
import { insideSubnet } from './host.js';
import { unixSockets } from './local.js';
import { acquireLock, withLock } from './lock.js';

const root = '/var/tmp/sc/clusters';

/** Every path-valued field of a layout, flattened, with its key. */
function paths(layout: LocalClusterLayout): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string' && value.startsWith('/')) out.push([key, value]);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, `${key}.${k}`);
    }
  };
  walk(layout, 'layout');
  // Shared on purpose: Debian's CNI plugins.
  return out.filter(([key]) => key !== 'layout.cni.binDir');
}

const cidrsOverlap = (a: string, b: string) => insideSubnet(a, b) || insideSubnet(b, a);

describe('slot layout', () => {
  it('keeps the default cluster exactly as it was before slots', () => {
    const layout = layoutFor(join(root, DEFAULT_CLUSTER_NAME), 0);
    expect(layout.ports).toEqual({
      apiserver: 16443,
      etcdClient: 12379,
      etcdPeer: 12380,
      kubelet: 10250,
      kubeletHealthz: 10248,
      controllerManager: 10257,
      scheduler: 10259,
    });
    expect(layout).toMatchObject({
      apiserverUrl: 'https://127.0.0.1:16443',
      nodeIp: '10.244.0.1',
      podSubnet: '10.244.0.0/24',
      serviceCidr: '10.96.0.0/16',
      serviceIp: '10.96.0.1',
      nodeName: 'sidecar-conformance',
      cgroupRoot: '/sidecar-conformance.sidecar-conformance',
      cni: { bridge: 'scbr0', networkName: 'sidecar-conformance' },
      containerd: { socket: `${root}/sidecar-conformance/containerd/containerd.sock` },
    });
  });

  it('gives the default name slot 0 whatever its directory holds, other names only what their slot file says', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sc-slots-'));
    try {
      await mkdir(join(dir, DEFAULT_CLUSTER_NAME));
      await writeFile(join(dir, DEFAULT_CLUSTER_NAME, 'slot'), '7\n');
      expect(slotOf(join(dir, DEFAULT_CLUSTER_NAME), DEFAULT_CLUSTER_NAME)).toBe(0);
      await mkdir(join(dir, 'm1'));
      expect(slotOf(join(dir, 'm1'), 'm1')).toBeUndefined();
      for (const bad of ['0', '100', 'x', '']) {
        await writeFile(join(dir, 'm1', 'slot'), bad);
        expect(slotOf(join(dir, 'm1'), 'm1'), `slot file "${bad}"`).toBeUndefined();
      }
      await writeFile(join(dir, 'm1', 'slot'), '3\n');
      expect(layoutOf(join(dir, 'm1'), 'm1')).toMatchObject({ slot: 3, cni: { bridge: 'scbr3' } });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('never lets two slots share a port, a bridge, an address range or (with their names) a directory', () => {
    const layouts = Array.from({ length: MAX_SLOT + 1 }, (_, slot) =>
      layoutFor(join(root, slot === 0 ? DEFAULT_CLUSTER_NAME : `c${slot}`), slot),
    );
    const ports = new Map<number, string>();
    const bridges = new Set<string>();
    for (const layout of layouts) {
      for (const port of Object.values(layout.ports)) {
        expect(ports.get(port), `port ${port} of slot ${layout.slot}`).toBeUndefined();
        ports.set(port, `slot ${layout.slot}`);
        expect(port).toBeGreaterThan(1024);
        expect(port, 'below the ephemeral port range').toBeLessThan(32768);
      }
      expect(layout.cni.bridge.length, 'IFNAMSIZ').toBeLessThanOrEqual(15);
      expect(bridges.has(layout.cni.bridge)).toBe(false);
      bridges.add(layout.cni.bridge);
      expect(insideSubnet(layout.nodeIp, layout.podSubnet)).toBe(true);
      expect(insideSubnet(layout.serviceIp, layout.serviceCidr)).toBe(true);
      expect(cidrsOverlap(layout.podSubnet, layout.serviceCidr)).toBe(false);
    }
    for (let a = 0; a < layouts.length; a++) {
      for (let b = a + 1; b < layouts.length; b++) {
        const [x, y] = [layouts[a]!, layouts[b]!];
        expect(cidrsOverlap(x.podSubnet, y.podSubnet), `pods ${a}/${b}`).toBe(false);
        expect(cidrsOverlap(x.serviceCidr, y.serviceCidr), `services ${a}/${b}`).toBe(false);
        expect(cidrsOverlap(x.podSubnet, y.serviceCidr), `pods ${a}/services ${b}`).toBe(false);
        expect(cidrsOverlap(x.serviceCidr, y.podSubnet), `services ${a}/pods ${b}`).toBe(false);
        expect(x.cgroupRoot).not.toBe(y.cgroupRoot);
        expect(x.cni.networkName).not.toBe(y.cni.networkName);
      }
    }
    const [m1, m2] = [layoutFor(join(root, 'm1'), 1), layoutFor(join(root, 'm2'), 2)];
    const m2Paths = new Set(paths(m2).map(([, p]) => p));
    for (const [key, path] of paths(m1)) {
      expect(m2Paths.has(path), `${key} ${path}`).toBe(false);
      expect(path.startsWith(`${m1.dir}/`) || path === m1.dir || key === 'layout.cgroupRoot', key).toBe(true);
    }
  });

  it('keeps every unix socket within 107 bytes for names up to 23 characters under root’s state directory', () => {
    const longest = (name: string) =>
      Math.max(
        ...unixSockets(layoutFor(`/root/.local/state/sidecar-conformance/clusters/${name}`, 1)).map(
          (p) => p.length,
        ),
      );
    expect(longest('a'.repeat(23))).toBe(107);
    expect(longest('a'.repeat(24))).toBe(108);
    expect(longest(DEFAULT_CLUSTER_NAME)).toBeLessThanOrEqual(107);
  });

  it('refuses a slot outside 0..99', () => {
    expect(() => slotValues(-1)).toThrow(RangeError);
    expect(() => slotValues(MAX_SLOT + 1)).toThrow(RangeError);
    expect(() => slotValues(1.5)).toThrow(RangeError);
  });
});

describe('slot allocation', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-alloc-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const noLinks = async () => new Set<string>();

  it('takes the lowest free slot from 1, keeps it in the slot file and returns it again', async () => {
    expect(await ensureSlot(dir, 'm1', noLinks)).toBe(1);
    expect(await ensureSlot(dir, 'm2', noLinks)).toBe(2);
    expect(await ensureSlot(dir, 'm1', noLinks)).toBe(1);
    expect(await readFile(join(dir, 'm2', 'slot'), 'utf8')).toBe('2\n');
    await rm(join(dir, 'm1'), { recursive: true });
    expect(await ensureSlot(dir, 'm3', noLinks)).toBe(1);
    expect(await ensureSlot(dir, DEFAULT_CLUSTER_NAME, noLinks)).toBe(0);
  });

  it('skips a slot whose bridge is already on the host', async () => {
    expect(await ensureSlot(dir, 'm1', async () => new Set(['lo', 'scbr1', 'scbr2']))).toBe(3);
  });

  it('gives clusters brought up at the same moment different slots', async () => {
    const names = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const slots = await Promise.all(names.map((n) => ensureSlot(dir, n, noLinks)));
    expect(new Set(slots).size).toBe(names.length);
    expect((await localClusters(dir)).map((c) => [c.name, c.slot])).toEqual(
      names.map((n, i) => [n, slots[i]]),
    );
  });

  it('says so when every slot is taken', () => {
    const all = Array.from({ length: MAX_SLOT }, (_, i) => i + 1);
    expect(() => freeSlot(all)).toThrow(UserError);
    expect(freeSlot(all.slice(1))).toBe(1);
  });

  it('lists cluster directories only, with their slots', async () => {
    await mkdir(join(dir, DEFAULT_CLUSTER_NAME));
    await mkdir(join(dir, 'old')); // before slots: none
    await ensureSlot(dir, 'm1', noLinks);
    await writeFile(join(dir, 'not-a-dir'), '');
    await mkdir(join(dir, 'Bad_Name'));
    expect((await localClusters(dir)).map((c) => [c.name, c.slot])).toEqual([
      ['m1', 1],
      ['old', undefined],
      [DEFAULT_CLUSTER_NAME, 0],
    ]);
  });
});

describe('the up/down lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sc-lock-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lets one holder in and names it to the next', async () => {
    const path = join(dir, 'lock');
    const release = await acquireLock(path, 'up of m1');
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await expect(acquireLock(path, 'up of m1')).rejects.toThrow(/already in progress in this process/);
    await release();
    await withLock(path, 'up of m1', async () => undefined);
  });

  it('refuses while another live process holds it', async () => {
    const path = join(dir, 'lock');
    await writeFile(path, `${process.ppid}\n`);
    await expect(acquireLock(path, 'up of m1')).rejects.toThrow(
      new RegExp(`up of m1 is in progress in process ${process.ppid}`),
    );
    expect(await readFile(path, 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over a lock whose holder is gone', async () => {
    const path = join(dir, 'lock');
    const gone = spawnSync('true').pid;
    await writeFile(path, `${gone}\n`);
    const release = await acquireLock(path, 'up of m1');
    expect(await readFile(path, 'utf8')).toBe(`${process.pid}\n`);
    await release();
    await writeFile(path, 'garbage');
    await (
      await acquireLock(path, 'up of m1')
    )();
  });

  it('waits for the holder to finish when told to wait, in order', async () => {
    const path = join(dir, 'lock');
    const order: string[] = [];
    const first = withLock(path, 'up of m1', async () => {
      order.push('first in');
      await new Promise((r) => setTimeout(r, 80));
      order.push('first out');
    });
    await new Promise((r) => setTimeout(r, 10));
    await withLock(path, 'up of m1', async () => void order.push('second'), 5000);
    await first;
    expect(order).toEqual(['first in', 'first out', 'second']);
  });

  it('releases the lock when the work fails', async () => {
    const path = join(dir, 'lock');
    await expect(
      withLock(path, 'down of m1', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await (
      await acquireLock(path, 'down of m1')
    )();
  });
});
