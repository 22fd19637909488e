import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { PAUSE_IMAGE } from '../../config.js';
import type { FeatureGates } from '../feature-gates.js';
import { minorOf, type LocalBinaries } from './binaries.js';
import {
  cniConflist,
  containerdConfig,
  kubeconfigFiles,
  kubeletConfig,
  type LocalClusterLayout,
} from './configs.js';
import { isCgroupV1 } from './host.js';
import { ensurePki } from './pki.js';

/** Everything `up` writes before starting a process: directories, certificates, kubeconfigs, configs. */
export async function writeClusterFiles(
  layout: LocalClusterLayout,
  clusterName: string,
  binaries: LocalBinaries,
  featureGates: FeatureGates = {},
): Promise<void> {
  for (const dir of [
    layout.dir,
    layout.containerd.dir,
    layout.kubelet.rootDir,
    layout.kubelet.certDir,
    layout.cni.confDir,
    layout.cni.ipamDataDir,
    layout.kubeconfigs.dir,
    layout.logsDir,
    layout.runDir,
  ]) {
    await mkdir(dir, { recursive: true });
  }
  await mkdir(layout.etcd.dataDir, { recursive: true, mode: 0o700 });
  await chmod(layout.etcd.dataDir, 0o700);
  await ensurePki(layout.pki.dir, {
    nodeName: layout.nodeName,
    serviceIp: layout.serviceIp,
    nodeIp: layout.nodeIp,
  });
  for (const file of kubeconfigFiles(layout, clusterName)) {
    await writeFile(file.path, file.text, { mode: 0o600 });
    // writeFile's mode applies only to a file it creates: a kubeconfig left 0644 is tightened here.
    await chmod(file.path, 0o600);
  }
  await writeFile(
    layout.kubelet.configPath,
    kubeletConfig({
      layout,
      kubernetesMinor: minorOf(binaries.kubernetesVersion),
      cgroupV1: await isCgroupV1(),
      resolvConf: '/etc/resolv.conf',
      featureGates,
    }),
  );
  await writeFile(
    layout.containerd.configPath,
    containerdConfig({
      major: binaries.containerdMajor,
      root: layout.containerd.root,
      state: layout.containerd.state,
      socket: layout.containerd.socket,
      sandboxImage: PAUSE_IMAGE,
      cniBinDir: binaries.cniBinDir,
      cniConfDir: layout.cni.confDir,
      runcPath: binaries.runc,
      runcRoot: layout.containerd.runcRoot,
    }),
  );
  await writeFile(
    layout.cni.conflistPath,
    cniConflist({
      name: layout.cni.networkName,
      bridge: layout.cni.bridge,
      subnet: layout.podSubnet,
      gateway: layout.nodeIp,
      ipamDataDir: layout.cni.ipamDataDir,
    }),
  );
}
