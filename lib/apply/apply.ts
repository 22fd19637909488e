import {
  BatchV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
  type V1Job,
  type V1Namespace,
  type V1Pod,
} from '@kubernetes/client-node';
import type { Kube } from '../kube/client.js';
import { httpStatus, isRetryable, retry } from '../retry.js';
import { poll } from '../wait.js';

export const FIELD_MANAGER = 'sidecar-conformance';
export const RUN_LABEL = 'sidecar-conformance.io/run';
export const SCENARIO_LABEL = 'sidecar-conformance.io/scenario';

/** Thrown when the namespace a scenario needs is already there: it is never adopted. */
export class NamespaceExistsError extends Error {
  override readonly name = 'NamespaceExistsError';
}

/** Who a namespace's run label says made it, in words for a message. */
function describeOwner(owner: string | undefined): string {
  return owner === undefined ? `no ${RUN_LABEL} label` : `label ${RUN_LABEL}=${owner}`;
}

/**
 * Creates the scenario's own namespace, labelled with the run id so leftovers can be found. A
 * namespace that already exists is refused, never reused: whatever is in it is not this run's.
 */
export async function createNamespace(
  kube: Kube,
  name: string,
  runId: string,
  scenario: string,
): Promise<void> {
  await retry(
    async (attempt) => {
      try {
        await kube.core.createNamespace({
          body: { metadata: { name, labels: { [RUN_LABEL]: runId, [SCENARIO_LABEL]: scenario } } },
        });
      } catch (error) {
        if (httpStatus(error) !== 409) throw error;
        const existing = await kube.core.readNamespace({ name }).catch(() => undefined);
        const labels = existing?.metadata?.labels ?? {};
        // A retry after an answer was lost finds the namespace our own earlier attempt made.
        const ours = labels[RUN_LABEL] === runId && labels[SCENARIO_LABEL] === scenario;
        if (attempt > 1 && ours && !existing?.metadata?.deletionTimestamp) return;
        const owner =
          labels[RUN_LABEL] === runId ? 'another caller in this run' : describeOwner(labels[RUN_LABEL]);
        throw new NamespaceExistsError(
          `namespace ${name} already exists and is not this run's (${owner}); the harness never reuses a namespace it did not create.`,
        );
      }
    },
    {
      description: `create namespace ${name}`,
      retryable: (e) => !(e instanceof NamespaceExistsError) && httpStatus(e) !== 409 && isRetryable(e),
    },
  );
}

/**
 * Waits for the namespace's `default` ServiceAccount: the API server refuses Pods (403, "error
 * looking up service account") until the controller manager has made it, which after a control-plane
 * restart takes seconds. A run must not take that for a verdict.
 */
export async function waitForDefaultServiceAccount(
  kube: Kube,
  namespace: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  await poll(
    async () => {
      try {
        await kube.core.readNamespacedServiceAccount({ name: 'default', namespace });
        return true;
      } catch (error) {
        if (httpStatus(error) === 404) return undefined;
        throw error;
      }
    },
    {
      description: `the default ServiceAccount of namespace ${namespace} (made by kube-controller-manager)`,
      timeoutMs: options.timeoutMs ?? 60_000,
      intervalMs: 250,
      ...(options.signal ? { signal: options.signal } : {}),
    },
  );
}

/**
 * Deletes a namespace this run created, and only such a one: it must carry this run's label, or it
 * is left alone and the returned note says why. Undefined when it was deleted or already gone. Does
 * not wait for it to be gone.
 */
export async function deleteNamespace(kube: Kube, name: string, runId: string): Promise<string | undefined> {
  return retry(
    async () => {
      let namespace: V1Namespace;
      try {
        namespace = await kube.core.readNamespace({ name });
      } catch (error) {
        if (httpStatus(error) === 404) return undefined;
        throw error;
      }
      const owner = namespace.metadata?.labels?.[RUN_LABEL];
      // A JavaScript caller without a run id must not match a namespace that has no label either.
      if (!runId || owner !== runId)
        return `namespace ${name} is not this run's (${describeOwner(owner)}); left alone`;
      // Deleting a namespace already terminating is refused with 409; it is going anyway.
      if (namespace.metadata?.deletionTimestamp) return undefined;
      const uid = namespace.metadata?.uid;
      try {
        // The uid precondition deletes the namespace read above, not one made again under its name since.
        await kube.core.deleteNamespace({
          name,
          gracePeriodSeconds: 0,
          ...(uid ? { body: { preconditions: { uid } } } : {}),
        });
      } catch (error) {
        if (httpStatus(error) !== 404) throw error;
      }
      return undefined;
    },
    {
      description: `delete namespace ${name}`,
      retryable: (e) => httpStatus(e) !== 404 && isRetryable(e),
    },
  );
}

/** Server-side apply of one object into `namespace`. */
async function applyObject<T extends KubernetesObject>(kube: Kube, object: T, namespace: string): Promise<T> {
  const objects = KubernetesObjectApi.makeApiClient(kube.config);
  const body: T = { ...object, metadata: { ...object.metadata, namespace } };
  return retry(
    () => objects.patch(body, undefined, undefined, FIELD_MANAGER, true, PatchStrategy.ServerSideApply),
    {
      description: `apply ${object.kind ?? 'object'} ${namespace}/${object.metadata?.name}`,
      retryable: (e) => [409, 429, 500, 503].includes(httpStatus(e) ?? 0),
    },
  );
}

/** Server-side apply of one Pod into `namespace`. */
export async function applyPod(kube: Kube, pod: V1Pod, namespace: string): Promise<V1Pod> {
  return applyObject(kube, { apiVersion: 'v1', kind: 'Pod', ...pod }, namespace);
}

/** Server-side apply of one Job into `namespace`; its Pods are the Job controller's to create. */
export async function applyJob(kube: Kube, job: V1Job, namespace: string): Promise<V1Job> {
  return applyObject(kube, { apiVersion: 'batch/v1', kind: 'Job', ...job }, namespace);
}

/** The Job as the API server has it now (its status: conditions, failed and succeeded counts). */
export async function readJob(kube: Kube, namespace: string, name: string): Promise<V1Job> {
  const batch = kube.config.makeApiClient(BatchV1Api);
  return retry(() => batch.readNamespacedJob({ name, namespace }), {
    description: `read Job ${namespace}/${name}`,
  });
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

/** One RFC 6902 operation of a JSON patch (`test` guards the path it patches). */
export interface JsonPatchOperation {
  op: 'replace' | 'add' | 'test';
  path: string;
  value: unknown;
}

/** A JSON patch of a Pod, or of its `resize` subresource; a replay after a lost answer changes nothing more. */
async function patchPodWith(
  kube: Kube,
  namespace: string,
  name: string,
  operations: JsonPatchOperation[],
  subresource?: 'resize',
): Promise<V1Pod> {
  const request = { name, namespace, body: operations, fieldManager: FIELD_MANAGER };
  return retry(
    () =>
      subresource === 'resize'
        ? kube.core.patchNamespacedPodResize(request)
        : kube.core.patchNamespacedPod(request),
    {
      description: `patch Pod ${namespace}/${name}${subresource ? ` (${subresource})` : ''}`,
      // A Pod that is gone stays gone; a failed `test` (422) or a refused change (400, 403) is final.
      retryable: (e) => httpStatus(e) !== 404 && isRetryable(e),
    },
  );
}

/** JSON-patches a running Pod's spec (a container's image: the kubelet restarts that container). */
export function patchPod(
  kube: Kube,
  namespace: string,
  name: string,
  operations: JsonPatchOperation[],
): Promise<V1Pod> {
  return patchPodWith(kube, namespace, name, operations);
}

/** JSON-patches the Pod's `resize` subresource: containers' resources, resized in place. */
export function resizePod(
  kube: Kube,
  namespace: string,
  name: string,
  operations: JsonPatchOperation[],
): Promise<V1Pod> {
  return patchPodWith(kube, namespace, name, operations, 'resize');
}
