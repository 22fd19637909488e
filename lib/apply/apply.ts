import { KubernetesObjectApi, PatchStrategy, type V1Pod } from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import { httpStatus, isRetryable, retry } from '../retry.js';

export const FIELD_MANAGER = 'sidecar-conformance';
export const RUN_LABEL = 'sidecar-conformance.io/run';
export const SCENARIO_LABEL = 'sidecar-conformance.io/scenario';

/** Creates the scenario's own namespace, labelled with the run id so leftovers can be found. */
export async function createNamespace(
  kube: Kube,
  name: string,
  runId: string,
  scenario: string,
): Promise<void> {
  await retry(
    () =>
      kube.core.createNamespace({
        body: { metadata: { name, labels: { [RUN_LABEL]: runId, [SCENARIO_LABEL]: scenario } } },
      }),
    {
      description: `create namespace ${name}`,
      retryable: (e) => httpStatus(e) !== 409 && isRetryable(e),
    },
  );
}

/** Deletes a namespace this harness created; does not wait for it to be gone. */
export async function deleteNamespace(kube: Kube, name: string): Promise<void> {
  await retry(
    async () => {
      try {
        await kube.core.deleteNamespace({ name, gracePeriodSeconds: 0 });
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
    },
    {
      description: `delete namespace ${name}`,
      retryable: (e) => httpStatus(e) !== 404 && isRetryable(e),
    },
  );
}

/** Server-side apply of one Pod into `namespace`. */
export async function applyPod(kube: Kube, pod: V1Pod, namespace: string): Promise<V1Pod> {
  const objects = KubernetesObjectApi.makeApiClient(kube.config);
  const body: V1Pod = { ...pod, metadata: { ...pod.metadata, namespace } };
  return retry(
    () => objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    {
      description: `apply Pod ${namespace}/${pod.metadata?.name}`,
      retryable: (e) => [409, 429, 500, 503].includes(httpStatus(e) ?? 0),
    },
  );
}

/** Deletes the Pod with its own grace period (the shutdown under test), or at once for clean-up. */
export async function deletePod(
  kube: Kube,
  namespace: string,
  name: string,
  gracePeriodSeconds?: number,
): Promise<void> {
  await retry(
    async () => {
      try {
        await kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds });
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
    },
    { description: `delete Pod ${namespace}/${name}` },
  );
}
