import { CoreV1Api, KubeConfig, VersionApi } from '@kubernetes/client-node';
import { unreachableError, usageError, describeError } from '../errors.js';
import { retry } from '../retry.js';
import { withDeadline } from '../wait.js';

/** A connection to one cluster: the kubeconfig plus the typed clients the pipeline uses. */
export interface Kube {
  config: KubeConfig;
  core: CoreV1Api;
  kubeconfigPath: string;
  context: string;
  server: string;
}

export function connect(kubeconfigPath: string, context?: string): Kube {
  const config = new KubeConfig();
  try {
    config.loadFromFile(kubeconfigPath);
  } catch (error) {
    const reason = describeError(error).split('\n')[0]?.replace(/\.$/, '');
    throw usageError(`Cannot read kubeconfig ${kubeconfigPath}: ${reason}.`);
  }
  if (context) {
    if (!config.getContextObject(context)) {
      throw usageError(`Kubeconfig ${kubeconfigPath} has no context "${context}".`);
    }
    config.setCurrentContext(context);
  }
  const cluster = config.getCurrentCluster();
  if (!cluster) throw usageError(`Kubeconfig ${kubeconfigPath} has no current cluster; pass --context.`);
  return {
    config,
    core: config.makeApiClient(CoreV1Api),
    kubeconfigPath,
    context: config.getCurrentContext(),
    server: cluster.server,
  };
}

/** How long one /version request may take before the cluster counts as unreachable. */
const REACH_TIMEOUT_MS = 10_000;

/** Checks once, first, that the API server answers; returns its version. */
export async function checkReachable(kube: Kube, signal?: AbortSignal): Promise<string> {
  try {
    const version = await retry(
      () =>
        // A server that accepts connections and never answers must not hang the run (or Ctrl-C).
        withDeadline(kube.config.makeApiClient(VersionApi).getCode(), REACH_TIMEOUT_MS, signal),
      { description: 'reach the API server', retries: 2, signal },
    );
    return version.gitVersion;
  } catch (error) {
    throw unreachableError(
      `Cluster ${kube.server} (context ${kube.context}, kubeconfig ${kube.kubeconfigPath}) is unreachable: ${describeError(error)}; check that it is running (sidecar-conformance cluster status).`,
      error,
    );
  }
}
