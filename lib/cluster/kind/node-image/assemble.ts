import { copyFile, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ExitCode, UserError } from '../../../errors.js';
import { buildPauseBinary, pauseImageSpec } from '../../local/images.js';
import { writeOciArchive } from '../../local/oci.js';
import { ENABLED_UNITS, MASKED_UNITS, NODE_DEFAULT_WANTS_REMOVED, type nodeFiles } from './files.js';
import { binaryImageSpec, type KubeadmImages } from './images.js';
import { preloadImages } from './preload.js';

/**
 * The node rootfs, put together in a work directory beside the cached tar: the base rootfs, our
 * node files, the binaries, systemd's unit links, and the control-plane images preloaded into
 * the node's containerd; then packed into the tar `docker import` reads.
 */

/** Every binary a node image is made from, by absolute path. */
export interface NodeInputs {
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

/** The images kubeadm's static Pods need, as kubeadm names them. */
export function controlPlaneTags(tags: KubeadmImages): string[] {
  return [tags.apiserver, tags.controllerManager, tags.scheduler, tags.etcd, tags.pause];
}

export async function assemble(a: {
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
