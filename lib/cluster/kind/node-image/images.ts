import { execa } from 'execa';
import { ExitCode, UserError, describeError, missingDependencyError } from '../../../errors.js';
import { isStaticExecutable } from '../../local/images.js';
import type { ImageSpec } from '../../local/oci.js';

/**
 * The images kubeadm's static Pods name, made from our own binaries: nothing can be pulled here,
 * and kind skips kubeadm's preflight, so a missing or misnamed image only shows as ErrImagePull.
 * Tags come from the node's own kubeadm (`kubeadm config images list`), never from a table.
 */

/** What `kubeadm config images list` names, by role. */
export interface KubeadmImages {
  apiserver: string;
  controllerManager: string;
  scheduler: string;
  proxy?: string;
  coredns?: string;
  pause: string;
  etcd: string;
}

export function parseKubeadmImages(output: string): KubeadmImages {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[a-z0-9.-]+(?::\d+)?\/\S+:\S+$/.test(l));
  const find = (name: string) => lines.find((l) => l.replace(/:[^:/]+$/, '').endsWith(`/${name}`));
  const need = (name: string) => {
    const found = find(name);
    if (!found)
      throw new Error(
        `\`kubeadm config images list\` names no ${name} image (it printed: ${lines.join(', ')})`,
      );
    return found;
  };
  return {
    apiserver: need('kube-apiserver'),
    controllerManager: need('kube-controller-manager'),
    scheduler: need('kube-scheduler'),
    proxy: find('kube-proxy'),
    coredns: find('coredns'),
    pause: need('pause'),
    etcd: need('etcd'),
  };
}

export async function kubeadmImages(kubeadm: string, kubernetesVersion: string): Promise<KubeadmImages> {
  const args = ['config', 'images', 'list', '--kubernetes-version', kubernetesVersion];
  const result = await execa(kubeadm, args, { reject: false, all: true });
  try {
    if (result.exitCode !== 0) throw new Error(String(result.all ?? '').trim() || `exit ${result.exitCode}`);
    return parseKubeadmImages(result.stdout);
  } catch (error) {
    throw new UserError(
      `\`${kubeadm} ${args.join(' ')}\` did not name the control-plane images (${describeError(error)}); the node image needs them.`,
      ExitCode.clusterStartFailed,
    );
  }
}

/**
 * An image of one static binary at /usr/local/bin (kubeadm's manifests run `kube-apiserver …`,
 * `etcd …` by name), plus the /tmp and /var/run directories servers expect.
 */
export function binaryImageSpec(reference: string, name: string, binary: Buffer): ImageSpec {
  if (!isStaticExecutable(binary))
    throw missingDependencyError(
      `${name} is not a static executable, so it cannot run alone in the ${reference} image; build it with CGO_ENABLED=0.`,
    );
  return {
    reference,
    entries: [
      { type: 'directory', path: 'usr', mode: 0o755 },
      { type: 'directory', path: 'usr/local', mode: 0o755 },
      { type: 'directory', path: 'usr/local/bin', mode: 0o755 },
      { type: 'file', path: `usr/local/bin/${name}`, mode: 0o755, content: binary },
      { type: 'directory', path: 'tmp', mode: 0o1777 },
      { type: 'directory', path: 'var', mode: 0o755 },
      { type: 'directory', path: 'var/run', mode: 0o755 },
    ],
    env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
  };
}
