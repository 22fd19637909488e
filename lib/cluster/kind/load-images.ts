import { AGNHOST_IMAGE, TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { clusterStartError } from '../../errors.js';
import { ensureAgnhostBinary } from '../local/binaries.js';
import { ensureAgnhostArchive, ensureImageArchives } from '../local/images.js';
import { lastLine, type CommandResult, type CommandRunner } from './commands.js';
import type { ContainerEngine } from './tools.js';

/**
 * The local test images in a kind node: the same OCI archives the local provider imports (busybox
 * under its two names, agnhost of the cluster's version), loaded with `kind load image-archive`.
 * The node image brings its own sandbox (pause) image, so ours is not loaded.
 */

export interface LocalImageArchive {
  reference: string;
  archive: string;
}

/** The archives, written into the cache when missing (agnhost is built through the Go proxy once). */
export async function localImageArchives(
  kubernetesVersion: string,
  cacheRoot: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<LocalImageArchive[]> {
  const { test, testB } = await ensureImageArchives(cacheRoot, progress);
  const agnhostBinary = await ensureAgnhostBinary(kubernetesVersion, cacheRoot, progress, signal);
  const agnhost = await ensureAgnhostArchive(cacheRoot, agnhostBinary, kubernetesVersion, progress);
  return [
    { reference: TEST_IMAGE, archive: test },
    { reference: TEST_IMAGE_B, archive: testB },
    { reference: AGNHOST_IMAGE(kubernetesVersion), archive: agnhost },
  ];
}

export interface LoadImagesOptions {
  /** Runs kind with these arguments (throws one sentence on failure). */
  run: (args: string[], what: string) => Promise<CommandResult>;
  engine: ContainerEngine;
  runner: CommandRunner;
  node: string;
  cluster: string;
  archives: LocalImageArchive[];
  /** What earlier ups loaded: reference → archive. */
  loaded: Record<string, string>;
  progress: (line: string) => void;
}

/** Image references in the node's containerd (namespace k8s.io, where the kubelet looks). */
async function nodeImages(options: LoadImagesOptions): Promise<Set<string>> {
  const result = await options.runner(
    options.engine,
    ['exec', options.node, 'ctr', '--namespace', 'k8s.io', 'images', 'list', '--quiet'],
    { timeoutMs: 60_000 },
  );
  if (result.exitCode !== 0) {
    throw clusterStartError(
      `Listing the images in kind node ${options.node} failed (\`${options.engine} exec ${options.node} ctr -n k8s.io images list -q\`): ${lastLine(result) || `exit ${result.exitCode}`}.`,
    );
  }
  return new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

/**
 * Loads each image the node lacks, or that was loaded from another archive (its input changed);
 * checks that every one is there afterwards. Returns what is loaded now.
 */
export async function loadLocalImages(options: LoadImagesOptions): Promise<Record<string, string>> {
  const present = await nodeImages(options);
  const loaded = { ...options.loaded };
  const todo = options.archives.filter(
    (image) => !present.has(image.reference) || loaded[image.reference] !== image.archive,
  );
  for (const image of todo) {
    options.progress(`loading ${image.reference} into kind cluster ${options.cluster}`);
    await options.run(
      ['load', 'image-archive', image.archive, '--name', options.cluster],
      `kind load image-archive ${image.archive}`,
    );
    loaded[image.reference] = image.archive;
  }
  if (todo.length > 0) {
    const after = await nodeImages(options);
    const missing = options.archives.filter((image) => !after.has(image.reference)).map((i) => i.reference);
    if (missing.length > 0) {
      throw clusterStartError(
        `Image ${missing.join(', ')} is missing from kind node ${options.node} after kind load image-archive.`,
      );
    }
  }
  return loaded;
}
