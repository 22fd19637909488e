import type { ClusterProvider } from '../cluster/provider.js';
import type { ClusterFeatures } from '../kube/features.js';
import type { ClusterFacts, NodeOperation } from '../scenarios/requirements.js';
import type { NodeOperations } from '../scenarios/scenario.js';

/**
 * The node operations a provider can make, for the disruptive scenarios; undefined when it can make
 * none (a cluster named by --kubeconfig).
 */
export function nodeOperationsOf(
  provider: Pick<ClusterProvider, 'restartComponent' | 'rebootNode'> | undefined,
  progress: (line: string) => void,
  signal?: AbortSignal,
): NodeOperations | undefined {
  if (!provider) return undefined;
  const operations: NodeOperation[] = [];
  if (provider.restartComponent) operations.push('restart-kubelet');
  if (provider.rebootNode) operations.push('reboot-node');
  if (operations.length === 0) return undefined;
  const options = { onProgress: progress, ...(signal ? { signal } : {}) };
  return {
    operations,
    async restartKubelet() {
      if (!provider.restartComponent) throw new Error('This provider cannot restart the kubelet.');
      progress((await provider.restartComponent('kubelet', options)).what);
    },
    async rebootNode() {
      if (!provider.rebootNode) throw new Error('This provider cannot reboot the node.');
      progress((await provider.rebootNode(options)).what);
    },
  };
}

/** What scenarios' requirements are checked against. */
export function clusterFacts(
  kubernetesVersion: string,
  features: ClusterFeatures | undefined,
  node: NodeOperations | undefined,
): ClusterFacts {
  return {
    kubernetesVersion,
    ...(features ? { features } : {}),
    nodeOperations: node?.operations ?? [],
  };
}
