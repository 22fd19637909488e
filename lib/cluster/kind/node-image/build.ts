import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { defaults } from '../../../config.js';
import { ExitCode, UserError } from '../../../errors.js';
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
import { buildPauseBinary, pauseImageSpec } from '../../local/images.js';
import { writeOciArchive } from '../../local/oci.js';
import { ENABLED_UNITS, MASKED_UNITS, NODE_DEFAULT_WANTS_REMOVED, nodeFiles } from './files.js';
import { binaryImageSpec, kubeadmImages, type KubeadmImages } from './images.js';
import { preloadImages } from './preload.js';
import { ensureRootfs } from './rootfs.js';

/**
 * `node-image build`: a kind node image made offline from a cached bookworm rootfs, our own
 * node files, binaries built from the Go module proxy, and control-plane images written by the
 * project's OCI writer and preloaded into the node's containerd. The result is imported into
 * docker as NODE_IMAGE(version), and its rootfs tar is kept in the cache keyed by its inputs, so
 * a second build (or a docker that lost the image) takes seconds.
 */

/** The tag convention the kind provider relies on. */
export const NODE_IMAGE = (kubernetesVersion: string): string =>
  `localhost/sidecar-conformance/kind-node:v${kubernetesVersion.replace(/^v/, '')}`;

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

interface NodeInputs {
  version: string;
  kubeadm: string;
  kubelet: string;
  kubectl: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  etcd: string;
  containerdDir: string;
  crictl: string;
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
  const image = NODE_IMAGE(v);
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
  await step('docker import', () => dockerImport(tar, image, key, progress));
  // The image this one replaces, unless a node still runs it (docker refuses then, which is fine).
  if (previous && previous !== (await dockerImageId(image)))
    await execa('docker', ['rmi', previous], { reject: false });
  progress(`${image} is in docker (${key})`);
  return done(steps.assemble === undefined ? 'reimported' : 'built', wanted);
}

function controlPlaneTags(tags: KubeadmImages): string[] {
  return [tags.apiserver, tags.controllerManager, tags.scheduler, tags.etcd, tags.pause];
}

async function requireDocker(): Promise<void> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode !== 0)
    throw new UserError(
      'No docker daemon answers (`docker info` failed); run `sidecar-conformance setup --kind` as root first, it starts one.',
      ExitCode.missingDependency,
    );
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

async function assemble(a: {
  inputs: NodeInputs;
  rootfsTar: string;
  files: ReturnType<typeof nodeFiles>;
  tags: KubeadmImages;
  tar: string;
  cacheRoot: string;
  progress: (line: string) => void;
  signal?: AbortSignal;
}): Promise<void> {
  const work = `${a.tar}.build-${process.pid}`;
  const rootfs = join(work, 'rootfs');
  await rm(work, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true });
  try {
    a.progress(`unpacking the base rootfs into ${rootfs}`);
    await execa('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-xf', a.rootfsTar]);

    for (const file of a.files) {
      await mkdir(join(rootfs, file.path, '..'), { recursive: true });
      await writeFile(join(rootfs, file.path), file.content, { mode: file.mode });
    }
    const install = async (from: string, to: string) => {
      await mkdir(join(rootfs, to, '..'), { recursive: true });
      await copyFile(from, join(rootfs, to));
      await execa('chmod', ['0755', join(rootfs, to)]);
    };
    for (const b of ['containerd', 'containerd-shim-runc-v2', 'ctr'])
      await install(join(a.inputs.containerdDir, b), `usr/local/bin/${b}`);
    await install(a.inputs.crictl, 'usr/local/bin/crictl');
    await install(a.inputs.kubeadm, 'usr/bin/kubeadm');
    await install(a.inputs.kubelet, 'usr/bin/kubelet');
    await install(a.inputs.kubectl, 'usr/bin/kubectl');
    for (const d of ['opt/cni/bin', 'etc/kubernetes/manifests', 'var/lib/kubelet', 'kind/manifests'])
      await mkdir(join(rootfs, d), { recursive: true });
    await systemdUnits(rootfs);

    a.progress(
      'writing the control-plane images (kube-apiserver, kube-controller-manager, kube-scheduler, etcd, pause)',
    );
    const archives = await writeControlPlaneArchives(a.inputs, a.tags, work);
    const stored = await preloadImages({
      rootfs,
      containerd: join(a.inputs.containerdDir, 'containerd'),
      ctr: join(a.inputs.containerdDir, 'ctr'),
      archives,
      onProgress: a.progress,
      signal: a.signal,
    });
    const missing = controlPlaneTags(a.tags).filter((t) => !stored.includes(t));
    if (missing.length > 0)
      throw new UserError(
        `The node's containerd lacks ${missing.join(', ')} after the preload (it has ${stored.join(', ')}).`,
        ExitCode.clusterStartFailed,
      );
    a.progress(`node containerd holds ${stored.join(', ')}`);

    a.progress(`packing the node rootfs into ${a.tar}`);
    const partial = `${a.tar}.partial-${process.pid}`;
    await execa('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', partial, '.']);
    await rename(partial, a.tar);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Masks what cannot run in a container and enables containerd and the kubelet. */
async function systemdUnits(rootfs: string): Promise<void> {
  const system = join(rootfs, 'etc', 'systemd', 'system');
  for (const unit of MASKED_UNITS) {
    await rm(join(system, unit), { force: true, recursive: true });
    await symlink('/dev/null', join(system, unit));
  }
  const wants = join(system, 'multi-user.target.wants');
  await mkdir(wants, { recursive: true });
  for (const unit of ENABLED_UNITS) {
    await rm(join(wants, unit), { force: true });
    await symlink(`/etc/systemd/system/${unit}`, join(wants, unit));
  }
  // Debian enables timers, a getty and a few oneshots; in a node they only fail or wait on hardware.
  for (const path of NODE_DEFAULT_WANTS_REMOVED)
    await rm(join(system, path), { force: true, recursive: true });
}

async function writeControlPlaneArchives(
  inputs: NodeInputs,
  tags: KubeadmImages,
  work: string,
): Promise<string[]> {
  const out: string[] = [];
  const write = async (name: string, spec: Parameters<typeof writeOciArchive>[0]) => {
    const path = join(work, `${name}.oci.tar`);
    await writeOciArchive(spec, path);
    out.push(path);
  };
  for (const [name, reference, binary] of [
    ['kube-apiserver', tags.apiserver, inputs.kubeApiserver],
    ['kube-controller-manager', tags.controllerManager, inputs.kubeControllerManager],
    ['kube-scheduler', tags.scheduler, inputs.kubeScheduler],
    ['etcd', tags.etcd, inputs.etcd],
  ] as const)
    await write(name, binaryImageSpec(reference, name, await readFile(binary)));
  const pause = await buildPauseBinary(join(work, 'pause'));
  await write('pause', { ...pauseImageSpec(await readFile(pause)), reference: tags.pause });
  return out;
}

async function dockerImageId(image: string): Promise<string | undefined> {
  const result = await execa('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { reject: false });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

async function dockerLabel(image: string, label: string): Promise<string | undefined> {
  const result = await execa(
    'docker',
    ['image', 'inspect', '--format', `{{index .Config.Labels "${label}"}}`, image],
    { reject: false },
  );
  return result.exitCode === 0 ? result.stdout.trim() || undefined : undefined;
}

/**
 * `docker import` of the rootfs tar, then a one-line `docker build` on top for what import's
 * --change cannot set on dockerd 20.10 (STOPSIGNAL: systemd halts on SIGRTMIN+3, not SIGTERM).
 * The legacy builder needs no registry for a FROM that is already local.
 */
async function dockerImport(
  tar: string,
  image: string,
  key: string,
  progress: (line: string) => void,
): Promise<void> {
  progress(`docker import ${tar} as ${image}`);
  const plain = `${image}-import-${key}`;
  const imported = await execa('docker', ['import', tar, plain], { reject: false, all: true });
  if (imported.exitCode !== 0)
    throw new UserError(
      `\`docker import\` of ${tar} failed: ${String(imported.all).trim()}`,
      ExitCode.missingDependency,
    );
  const dockerfile = [
    `FROM ${plain}`,
    'ENV container=docker',
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'STOPSIGNAL SIGRTMIN+3',
    `LABEL ${NODE_IMAGE_KEY_LABEL}=${key}`,
    'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]',
    '',
  ].join('\n');
  try {
    const built = await execa('docker', ['build', '--quiet', '--tag', image, '-'], {
      input: dockerfile,
      env: { DOCKER_BUILDKIT: '0' },
      reject: false,
      all: true,
    });
    if (built.exitCode !== 0)
      throw new UserError(
        `\`docker build\` of ${image} on top of ${plain} failed: ${String(built.all).trim()}`,
        ExitCode.missingDependency,
      );
  } finally {
    await execa('docker', ['rmi', plain], { reject: false });
  }
}
