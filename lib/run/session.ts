import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { V1Node } from '@kubernetes/client-node';
import type { ClusterProvider } from '../cluster/provider.js';
import type { RuntimeInspector } from '../observe/runtime.js';
import { REFERENCE_IMAGE, TEST_IMAGE } from '../config.js';
import { usageError } from '../errors.js';
import { checkReachable, connect, type Kube } from '../kube/client.js';
import { readClusterFeatures, type ClusterFeatures } from '../kube/features.js';
import { NO_RUNTIME_TIMES, type ClusterInfo, type ImageChoice } from './result.js';

/**
 * A run's cluster: the one the user named (kubeconfig and context), or the default one a provider
 * brings up — and takes down again afterwards if this run brought it up.
 */
export interface ClusterChoice {
  /** An existing cluster the user named. */
  kubeconfig?: string;
  context?: string;
  /** Otherwise this provider (default: local). */
  provider?: ClusterProvider;
  /** Keep a cluster this run brought up. */
  keepCluster?: boolean;
  /** `local` (the busybox test image), `reference` (netshoot as in the manifests) or an image reference. */
  image?: string;
  /** What `reference` means for this run, when not the seed's netshoot (check: the images as written). */
  referenceImage?: string;
  /** Why this cluster (`--provider auto: kind found …`), printed first. */
  because?: string;
  /** Whether the run's Pods use the local test images (a kind node then gets them); default true. */
  localImages?: boolean;
  /** Where the run's reports go: a provider's diagnostics of a failed up go to `<it>/<run id>/`. */
  reportsRoot?: string;
}

export interface Session {
  runId: string;
  kube: Kube;
  cluster: ClusterInfo;
  image: ImageChoice;
  /** The node's container runtime, when the provider can reach it (the local cluster); not for --kubeconfig. */
  runtime?: RuntimeInspector;
  /** The provider that brought the cluster up (absent for --kubeconfig): the disruptive scenarios' node operations. */
  provider?: ClusterProvider;
  /** The feature gates the API server and the kubelet report. */
  features?: ClusterFeatures;
  /** Takes down what this session brought up. */
  close(): Promise<void>;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-').toLowerCase();
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Checks an --image value before any cluster is touched. */
export function validateImageOption(option: string | undefined): void {
  if (option === undefined || option === 'local' || option === 'reference') return;
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(option)) {
    throw usageError(`--image ${option} is not local, reference or an image reference.`);
  }
}

/** Providers whose node gets the local test images, so that they are the default image there. */
export const LOCAL_IMAGE_PROVIDERS: readonly string[] = ['local', 'kind'];

/**
 * Which image the Pods run. `reference` is what the manifests name: netshoot for the seed's, the
 * images as written for a user's workload (check), where nothing is swapped back by name.
 */
export function chooseImage(
  option: string | undefined,
  providerName: string,
  reference: string = REFERENCE_IMAGE,
): ImageChoice {
  validateImageOption(option);
  const choice = option ?? (LOCAL_IMAGE_PROVIDERS.includes(providerName) ? 'local' : 'reference');
  if (choice === 'reference') return { reference, used: reference, substituted: false };
  if (choice === 'local') return { reference, used: TEST_IMAGE, substituted: true };
  return { reference, used: choice, substituted: choice !== reference };
}

function nodeInfo(
  nodes: V1Node[],
): Pick<ClusterInfo, 'nodeName' | 'kubeletVersion' | 'containerRuntimeVersion'> {
  const node = nodes[0];
  return {
    nodeName: node?.metadata?.name,
    kubeletVersion: node?.status?.nodeInfo?.kubeletVersion,
    containerRuntimeVersion: node?.status?.nodeInfo?.containerRuntimeVersion,
  };
}

export async function openSession(
  choice: ClusterChoice,
  progress: (line: string) => void,
  signal?: AbortSignal,
): Promise<Session> {
  const runId = newRunId();
  if (choice.because) progress(`cluster: ${choice.because}`);
  let kubeconfigPath: string;
  let providerName: string;
  let clusterName: string;
  let broughtUp = false;
  let runtime: RuntimeInspector | undefined;
  if (choice.kubeconfig) {
    kubeconfigPath = choice.kubeconfig;
    providerName = 'kubeconfig';
    clusterName = choice.context ?? 'current-context';
  } else {
    const provider = choice.provider;
    if (!provider) throw usageError('No cluster: pass --kubeconfig (and --context) or a provider.');
    providerName = provider.providerName;
    clusterName = provider.clusterName;
    const before = await provider.status();
    kubeconfigPath = await provider.up({
      onProgress: progress,
      ...(signal ? { signal } : {}),
      localImages: choice.localImages ?? true,
      ...(choice.reportsRoot ? { diagnosticsDir: join(choice.reportsRoot, runId) } : {}),
    });
    broughtUp = !before.running;
    runtime = provider.runtime?.();
  }
  const close = async () => {
    if (broughtUp && !choice.keepCluster && choice.provider) {
      progress(`taking down the ${providerName} cluster ${clusterName} this run brought up`);
      await choice.provider.down({ onProgress: progress });
    }
  };
  try {
    const kube = connect(kubeconfigPath, choice.context);
    const version = await checkReachable(kube, signal);
    const nodes = await kube.core.listNode();
    const features = await readClusterFeatures(kube, nodes.items[0]?.metadata?.name);
    return {
      runId,
      kube,
      cluster: {
        provider: providerName,
        name: clusterName,
        server: kube.server,
        kubernetesVersion: version,
        ...nodeInfo(nodes.items),
        runtimeTimes: runtime?.source ?? NO_RUNTIME_TIMES,
      },
      image: chooseImage(choice.image, providerName, choice.referenceImage),
      ...(runtime ? { runtime } : {}),
      ...(choice.provider && !choice.kubeconfig ? { provider: choice.provider } : {}),
      features,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
