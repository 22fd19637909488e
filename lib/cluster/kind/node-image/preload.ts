import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode, UserError } from '../../../errors.js';
import { pathExists } from '../../../fs.js';
import { poll } from '../../../wait.js';
import { isAlive } from '../../local/processes.js';

/**
 * Puts image archives into a node rootfs's containerd store (`<rootfs>/var/lib/containerd`,
 * namespace k8s.io) from the host, with a containerd of our own that serves only that root and a
 * socket in a temporary directory: no build container, no registry. As in kind's own node images
 * the images are stored but not unpacked (the node's CRI unpacks on first use) and pinned, so the
 * kubelet's image GC never removes them.
 */
export async function preloadImages(options: {
  rootfs: string;
  containerd: string;
  ctr: string;
  archives: string[];
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}): Promise<string[]> {
  const work = await mkdtemp(join(tmpdir(), 'sc-node-preload-'));
  const socket = join(work, 'containerd.sock');
  const log = join(work, 'containerd.log');
  const config = join(work, 'config.toml');
  const root = join(options.rootfs, 'var', 'lib', 'containerd');
  await writeFile(
    config,
    [
      'version = 3',
      `root = ${JSON.stringify(root)}`,
      `state = ${JSON.stringify(join(work, 'state'))}`,
      // Only the content and metadata stores are needed; CRI, NRI and the snapshotters this host
      // lacks would only start servers or log errors.
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.runtime", "io.containerd.cri.v1.images", "io.containerd.nri.v1.nri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.blockfile", "io.containerd.snapshotter.v1.erofs", "io.containerd.differ.v1.erofs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
      '[grpc]',
      `  address = ${JSON.stringify(socket)}`,
      '[ttrpc]',
      `  address = ${JSON.stringify(`${socket}.ttrpc`)}`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = ${JSON.stringify(join(work, 'opt'))}`,
      '',
    ].join('\n'),
  );
  const out = openSync(log, 'a');
  const child = spawn(options.containerd, ['--config', config], { stdio: ['ignore', out, out] });
  closeSync(out);
  const fail = async (what: string) => {
    const tail = (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ');
    return new UserError(
      `Preloading images into the node image failed: ${what} (containerd log: ${tail}).`,
      ExitCode.clusterStartFailed,
    );
  };
  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error('containerd exited');
        return (await pathExists(socket)) || undefined;
      },
      {
        description: 'the preload containerd socket',
        timeoutMs: 30_000,
        intervalMs: 200,
        signal: options.signal,
      },
    ).catch(async () => {
      throw await fail('its containerd did not start');
    });
    for (const archive of options.archives) {
      options.onProgress?.(`preloading ${archive}`);
      const result = await execa(
        options.ctr,
        [
          '--address',
          socket,
          '--namespace',
          'k8s.io',
          'images',
          'import',
          '--no-unpack',
          '--label',
          'io.cri-containerd.pinned=pinned',
          archive,
        ],
        { reject: false, all: true, timeout: 300_000, cancelSignal: options.signal },
      );
      if (result.exitCode !== 0)
        throw await fail(`ctr images import ${archive}: ${String(result.all).trim()}`);
    }
    const listed = await execa(options.ctr, [
      '--address',
      socket,
      '--namespace',
      'k8s.io',
      'images',
      'list',
      '--quiet',
    ]);
    return listed.stdout.split('\n').filter(Boolean).sort();
  } finally {
    if (child.pid && isAlive(child.pid)) {
      child.kill('SIGTERM');
      await poll(async () => (child.exitCode !== null || child.signalCode !== null ? true : undefined), {
        description: 'the preload containerd to exit',
        timeoutMs: 20_000,
        intervalMs: 100,
      }).catch(() => child.kill('SIGKILL'));
    }
    await rm(work, { recursive: true, force: true });
  }
}
