import { providerFor } from '../lib/cluster/providers.js';
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
  providerCluster?: { provider: string; name: string; version: string };
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
