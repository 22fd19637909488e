import type { FeatureGates } from '../lib/cluster/feature-gates.js';
import type { ClusterProvider } from '../lib/cluster/provider.js';
import { providerFor } from '../lib/cluster/providers.js';
import type { Kube } from '../lib/kube/client.js';
import { readClusterFeatures } from '../lib/kube/features.js';
import { clusterFacts, nodeOperationsOf } from '../lib/run/node.js';
import type { ClusterFacts } from '../lib/scenarios/requirements.js';
import type { NodeOperations } from '../lib/scenarios/scenario.js';
import type { RuntimeInspector } from '../lib/observe/runtime.js';
import type { ClusterInfo, ImageChoice } from '../lib/run/result.js';

/** What globalSetup hands the live suites (vitest `provide`/`inject` needs plain JSON). */
export interface LiveSession {
  runId: string;
  kubeconfigPath: string;
  context?: string;
  cluster: ClusterInfo;
  image: ImageChoice;
  /** The provider's cluster, when the suites run on one the harness can reach the runtime of. */
  providerCluster?: { provider: string; name: string; version: string; featureGates?: FeatureGates };
}

/** The provider of the suites' cluster, rebuilt from the plain session (undefined for --kubeconfig). */
export function liveProvider(live: LiveSession): ClusterProvider | undefined {
  const cluster = live.providerCluster;
  return cluster ? providerFor(cluster) : undefined;
}

/** What a scenario's requirements are checked against, and the node operations the disruptive rows make. */
export async function liveFacts(
  live: LiveSession,
  kube: Kube,
  progress: (line: string) => void,
): Promise<{ facts: ClusterFacts; node?: NodeOperations }> {
  const node = nodeOperationsOf(liveProvider(live), progress);
  const features = await readClusterFeatures(kube, live.cluster.nodeName);
  return { facts: clusterFacts(live.cluster.kubernetesVersion, features, node), ...(node ? { node } : {}) };
}

/** The node's runtime inspector for nanosecond container times, rebuilt in each suite from the plain session. */
export function liveRuntime(live: LiveSession): RuntimeInspector | undefined {
  const cluster = live.providerCluster;
  if (!cluster) return undefined;
  return providerFor({
    provider: cluster.provider,
    name: cluster.name,
    version: cluster.version,
  }).runtime?.();
}

declare module 'vitest' {
  export interface ProvidedContext {
    liveSession: LiveSession;
  }
}
