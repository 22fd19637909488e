import { createHash } from 'node:crypto';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaults, KIND_NODE_IMAGE } from '../../../config.js';
import { pathExists } from '../../../fs.js';
import {
  componentBinDir,
  containerdSpec,
  criToolsSpec,
  ensureComponent,
  kubernetesNodeToolsSpec,
  releaseDate,
} from '../../local/build.js';
import { ensureBinaries } from '../../local/binaries.js';
import { assemble, controlPlaneTags, type NodeInputs } from './assemble.js';
import { dockerImageId, dockerImport, dockerLabel, requireDocker } from './docker-image.js';
import { ENABLED_UNITS, MASKED_UNITS, NODE_DEFAULT_WANTS_REMOVED, nodeFiles } from './files.js';
import { kubeadmImages } from './images.js';
import { ensureRootfs } from './rootfs.js';

/**
 * `node-image build`: a kind node image made offline from a cached bookworm rootfs, our own
 * node files, binaries built from the Go module proxy, and control-plane images written by the
 * project's OCI writer and preloaded into the node's containerd. The result is imported into
 * docker as KIND_NODE_IMAGE(version), and its rootfs tar is kept in the cache keyed by its inputs, so
 * a second build (or a docker that lost the image) takes seconds.
 */

/** The docker label holding the hash of everything the image was made from. */
export const NODE_IMAGE_KEY_LABEL = 'io.sidecar-conformance.node-image.key';

/** kind's default pod subnet, and the static CNI config's range on the one node. */
export const NODE_POD_SUBNET = '10.244.0.0/24';

/** Bump when the assembly steps change without any input changing. */
const NODE_IMAGE_FORMAT = '1';

export interface NodeImageResult {
  image: string;
  key: string;
  /** cached: docker had it; reimported: from the cached rootfs tar; built: assembled now. */
  how: 'cached' | 'reimported' | 'built';
  seconds: number;
  /** Seconds per step, for the steps that ran. */
  steps: Record<string, number>;
  tar: string;
  images: string[];
}

export async function buildNodeImage(options: {
  kubernetesVersion: string;
  cacheRoot: string;
  onProgress: (line: string) => void;
  signal?: AbortSignal;
  /** Rebuild even when a cached image or tar matches. */
  force?: boolean;
}): Promise<NodeImageResult> {
  const started = Date.now();
  const steps: Record<string, number> = {};
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const t = Date.now();
    try {
      return await run();
    } finally {
      steps[name] = (Date.now() - t) / 1000;
    }
  };
  const progress = options.onProgress;
  const v = `v${options.kubernetesVersion.replace(/^v/, '')}`;
  const image = KIND_NODE_IMAGE(v);
  await requireDocker();

  const inputs = await step('binaries', () => nodeBinaries(v, options.cacheRoot, progress, options.signal));
  const rootfs = await step('rootfs', () =>
    ensureRootfs({ cacheRoot: options.cacheRoot, onProgress: progress, signal: options.signal }),
  );
  const tags = await kubeadmImages(inputs.kubeadm, v);
  const files = nodeFiles({ kubernetesVersion: v, sandboxImage: tags.pause, podSubnet: NODE_POD_SUBNET });
  const key = await inputsKey(
    inputs,
    rootfs.tar,
    JSON.stringify({ files, tags, MASKED_UNITS, ENABLED_UNITS, NODE_DEFAULT_WANTS_REMOVED }),
  );
  const dir = join(options.cacheRoot, 'kind', 'node-images');
  const tar = join(dir, `kind-node-${v}-${key}.tar`);
  const done = (how: NodeImageResult['how'], images: string[]) => ({
    image,
    key,
    how,
    seconds: (Date.now() - started) / 1000,
    steps,
    tar,
    images,
  });
  const wanted = controlPlaneTags(tags);

  if (!options.force && (await dockerLabel(image, NODE_IMAGE_KEY_LABEL)) === key) {
    progress(`${image} is in docker already, made from the same inputs (${key})`);
    return done('cached', wanted);
  }
  if (options.force || !(await pathExists(tar))) {
    await mkdir(dir, { recursive: true });
    await step('assemble', () =>
      assemble({
        inputs,
        rootfsTar: rootfs.tar,
        files,
        tags,
        tar,
        cacheRoot: options.cacheRoot,
        progress,
        signal: options.signal,
      }),
    );
  } else progress(`reusing the cached node rootfs ${tar}`);
  const previous = await dockerImageId(image);
  await step('docker import', () => dockerImport(tar, image, { [NODE_IMAGE_KEY_LABEL]: key }, progress));
  // The image this one replaces, unless a node still runs it (docker refuses then, which is fine).
  if (previous && previous !== (await dockerImageId(image)))
    await execa('docker', ['rmi', previous], { reject: false });
  progress(`${image} is in docker (${key})`);
  return done(steps.assemble === undefined ? 'reimported' : 'built', wanted);
}

async function nodeBinaries(
  version: string,
  cacheRoot: string,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<NodeInputs> {
  const options = { cacheRoot, onProgress: progress, signal };
  const local = await ensureBinaries(
    { kubernetes: version, etcd: defaults.etcdVersion, containerd: defaults.containerdVersion },
    cacheRoot,
    progress,
    signal,
  );
  const toolsDir = componentBinDir(kubernetesNodeToolsSpec(version, ''), cacheRoot);
  const needDate =
    !(await pathExists(join(toolsDir, 'kubeadm'))) || !(await pathExists(join(toolsDir, 'kubectl')));
  const tools = await ensureComponent(
    kubernetesNodeToolsSpec(version, needDate ? await releaseDate('k8s.io/kubernetes', version) : ''),
    options,
  );
  // The node always runs containerd 2.x: ensureBinaries picks Debian's 1.6 for <= 1.35 on the host.
  const containerd = await ensureComponent(containerdSpec(defaults.containerdVersion), options);
  const criTools = await ensureComponent(criToolsSpec(defaults.criToolsVersion), options);
  return {
    version,
    kubeadm: join(tools.binDir, 'kubeadm'),
    kubectl: join(tools.binDir, 'kubectl'),
    kubelet: local.kubelet,
    kubeApiserver: local.kubeApiserver,
    kubeControllerManager: local.kubeControllerManager,
    kubeScheduler: local.kubeScheduler,
    etcd: local.etcd,
    containerdDir: containerd.binDir,
    crictl: join(criTools.binDir, 'crictl'),
  };
}

/** A hash of what the image is made from: binaries by size and mtime, the rootfs tar's name, the files. */
async function inputsKey(inputs: NodeInputs, rootfsTar: string, rest: string): Promise<string> {
  const hash = createHash('sha256').update(NODE_IMAGE_FORMAT).update(rootfsTar).update(rest);
  const binaries = [
    inputs.kubeadm,
    inputs.kubelet,
    inputs.kubectl,
    inputs.kubeApiserver,
    inputs.kubeControllerManager,
    inputs.kubeScheduler,
    inputs.etcd,
    inputs.crictl,
    ...['containerd', 'containerd-shim-runc-v2', 'ctr'].map((b) => join(inputs.containerdDir, b)),
  ];
  for (const path of binaries) {
    const s = await stat(path);
    hash.update(`${path}\0${s.size}\0${s.mtimeMs}\0`);
  }
  return hash.digest('hex').slice(0, 16);
}
