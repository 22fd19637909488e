import { readFile } from 'node:fs/promises';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import * as yaml from 'js-yaml';
import { describeError, manifestError } from '../errors.js';
import { AGNHOST_IMAGE, defaults } from '../config.js';
import { podShape, type PodShape } from '../timeline/pod-shape.js';

export interface PodManifest {
  path: string;
  pod: V1Pod;
  shape: PodShape;
}

/**
 * The objects of a YAML manifest, empty documents left out. A missing or unreadable file and
 * invalid YAML are one sentence naming the file.
 */
export async function readManifestDocuments(path: string): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw manifestError(
      code === 'ENOENT'
        ? `Manifest ${path} does not exist.`
        : `Cannot read manifest ${path}: ${describeError(error)}.`,
    );
  }
  try {
    // Plain YAML, not the client's typed loader: that one drops fields it does not know (the Pod
    // applied must be the Pod written) and trips over empty documents (a trailing `---`).
    return yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (error) {
    const reason = describeError(error).split('\n')[0];
    throw manifestError(`Manifest ${path} is not valid YAML: ${reason}.`);
  }
}

/**
 * Reads a manifest that must hold exactly one Pod with at least one sidecar (an init container with
 * restartPolicy Always). Every problem is one sentence naming the file.
 */
export async function loadPodManifest(path: string): Promise<PodManifest> {
  const documents = await readManifestDocuments(path);
  const pods = documents.filter((d) => (d as { kind?: unknown })?.kind === 'Pod') as V1Pod[];
  if (pods.length === 0) {
    const kinds =
      documents.map((d) => String((d as { kind?: unknown })?.kind ?? 'no kind')).join(', ') || 'nothing';
    throw manifestError(`Manifest ${path} holds no Pod (found: ${kinds}); give a file with one kind: Pod.`);
  }
  if (pods.length > 1)
    throw manifestError(`Manifest ${path} holds ${pods.length} Pods; give one Pod per file.`);
  const pod = pods[0] as V1Pod;
  if (pod.apiVersion !== 'v1')
    throw manifestError(`Manifest ${path}: a Pod has apiVersion v1, not ${pod.apiVersion}.`);
  if (!pod.metadata?.name) throw manifestError(`Manifest ${path}: the Pod has no metadata.name.`);
  if (!pod.spec?.containers?.length) throw manifestError(`Manifest ${path}: the Pod has no spec.containers.`);
  const shape = podShape(pod);
  if (shape.sidecars.length === 0) {
    throw manifestError(
      `Manifest ${path}: Pod ${pod.metadata.name} has no sidecar (an initContainer with restartPolicy: Always).`,
    );
  }
  return { path, pod, shape };
}

/** A copy of the Pod with every container image that equals `from` replaced by `to`. */
export function substituteImage(pod: V1Pod, from: string, to: string): V1Pod {
  const copy = structuredClone(pod);
  const swap = (containers: V1Container[] | undefined) => {
    for (const container of containers ?? []) if (container.image === from) container.image = to;
  };
  swap(copy.spec?.initContainers);
  swap(copy.spec?.containers);
  return copy;
}

/**
 * The Pod with the agnhost of `kubernetesVersion`'s cluster in place of the default version's one
 * the manifests name (each local cluster builds and tags agnhost at its own version); unchanged
 * without a version or on the default one.
 */
export function agnhostFor(pod: V1Pod, kubernetesVersion: string | undefined): V1Pod {
  const version = kubernetesVersion?.replace(/^v/, '');
  if (!version || version === defaults.kubernetesVersion) return pod;
  return substituteImage(pod, AGNHOST_IMAGE(defaults.kubernetesVersion), AGNHOST_IMAGE(version));
}

/** Every image the Pod names. */
export function imagesOf(pod: V1Pod): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].flatMap((c) =>
    c.image ? [c.image] : [],
  );
}
