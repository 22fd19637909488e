import type { V1Container, V1Job, V1ObjectMeta, V1Pod, V1PodTemplateSpec } from '@kubernetes/client-node';
import { manifestError } from '../errors.js';
import { podShape, type PodShape } from '../timeline/pod-shape.js';
import { readManifestDocuments } from './manifest.js';

/**
 * Any workload `check` can run: a Pod as it stands; a Job run to completion (a CronJob: once, as a
 * Job made from its jobTemplate); the Pod template of a Deployment, StatefulSet, DaemonSet or
 * ReplicaSet run as one bare Pod named after the workload. Every problem with the file is one
 * sentence naming it (exit code 3).
 */

export const WORKLOAD_KINDS = [
  'Pod',
  'Job',
  'CronJob',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

const API_VERSION: Record<WorkloadKind, string> = {
  Pod: 'v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
};

/** Where each kind keeps its Pod template, for messages. */
const TEMPLATE_PATH: Record<WorkloadKind, string> = {
  Pod: 'spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
};

/** The label the Job controller puts on its Pods (Kubernetes ≥ 1.27), and the older one it also sets. */
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
export const LEGACY_JOB_NAME_LABEL = 'job-name';

export interface Workload {
  kind: WorkloadKind;
  /** The workload's metadata.name. */
  name: string;
  /**
   * `pod`: one Pod is applied (the Pod itself, or a controller's template as a bare Pod named after
   * the workload); `job`: a Job is applied and its Pods are observed by label.
   */
  runs: 'pod' | 'job';
  /** The Pod to apply (`pod`), or the Job's Pod template as a Pod, for its shape and images (`job`). */
  pod: V1Pod;
  /** The Job to apply (`job`). */
  job?: V1Job;
  shape: PodShape;
  /** How the harness runs it, for titles and reports: "Deployment web: its Pod template run as one bare Pod". */
  how: string;
}

export interface WorkloadManifest {
  path: string;
  workloads: Workload[];
}

interface ManifestObject {
  apiVersion?: string;
  kind?: string;
  metadata?: V1ObjectMeta;
  spec?: Record<string, unknown>;
}

const isWorkloadKind = (kind: unknown): kind is WorkloadKind =>
  typeof kind === 'string' && (WORKLOAD_KINDS as readonly string[]).includes(kind);

/** What the API server fills in on a live object: left out, so an object from `kubectl get -o yaml` applies. */
const SERVER_FIELDS = [
  'namespace',
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
  'ownerReferences',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const satisfies (keyof V1ObjectMeta)[];

function cleanMetadata(metadata: V1ObjectMeta | undefined): V1ObjectMeta {
  const copy = structuredClone(metadata ?? {});
  for (const key of SERVER_FIELDS) delete copy[key];
  return copy;
}

/** The labels the Job controller generates for its selector; a copied Job keeps them only with manualSelector. */
const GENERATED_JOB_LABELS = [
  'batch.kubernetes.io/controller-uid',
  'controller-uid',
  JOB_NAME_LABEL,
  LEGACY_JOB_NAME_LABEL,
];

function templateOf(object: ManifestObject, kind: WorkloadKind): V1PodTemplateSpec | undefined {
  const spec = object.spec as Record<string, unknown> | undefined;
  if (kind === 'CronJob') {
    const jobTemplate = spec?.jobTemplate as { spec?: { template?: V1PodTemplateSpec } } | undefined;
    return jobTemplate?.spec?.template;
  }
  return spec?.template as V1PodTemplateSpec | undefined;
}

/** A controller's Pod template as one bare Pod named after the workload. */
function barePod(name: string, template: V1PodTemplateSpec): V1Pod {
  const metadata: V1ObjectMeta = { name };
  if (template.metadata?.labels) metadata.labels = { ...template.metadata.labels };
  if (template.metadata?.annotations) metadata.annotations = { ...template.metadata.annotations };
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec: structuredClone(template.spec) };
}

/** A Job as written (or made from a CronJob's jobTemplate), cleaned of what the API server fills in. */
function jobFrom(object: ManifestObject, kind: 'Job' | 'CronJob', name: string): V1Job {
  let job: V1Job;
  if (kind === 'CronJob') {
    const jobTemplate = (object.spec?.jobTemplate ?? {}) as { metadata?: V1ObjectMeta; spec?: V1Job['spec'] };
    job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        ...(jobTemplate.metadata?.labels ? { labels: { ...jobTemplate.metadata.labels } } : {}),
        // What `kubectl create job --from=cronjob/NAME` marks a Job run by hand with.
        annotations: { ...jobTemplate.metadata?.annotations, 'cronjob.kubernetes.io/instantiate': 'manual' },
      },
      spec: structuredClone(jobTemplate.spec),
    };
  } else {
    job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: cleanMetadata(object.metadata),
      spec: structuredClone(object.spec) as V1Job['spec'],
    };
  }
  if (job.spec && !job.spec.manualSelector) {
    delete job.spec.selector;
    const labels = job.spec.template?.metadata?.labels;
    if (labels) for (const key of GENERATED_JOB_LABELS) delete labels[key];
  }
  return job;
}

/**
 * A StatefulSet's Pods mount its volumeClaimTemplates; a bare Pod has no claims, so each becomes an
 * emptyDir of the same name. Returns the names replaced.
 */
function claimsAsEmptyDirs(object: ManifestObject, pod: V1Pod): string[] {
  const claims = (object.spec?.volumeClaimTemplates ?? []) as { metadata?: V1ObjectMeta }[];
  const names = claims.flatMap((c) => (c.metadata?.name ? [c.metadata.name] : []));
  const spec = pod.spec;
  if (!spec || names.length === 0) return [];
  const existing = new Set((spec.volumes ?? []).map((v) => v.name));
  const added = names.filter((n) => !existing.has(n));
  spec.volumes = [...(spec.volumes ?? []), ...added.map((n) => ({ name: n, emptyDir: {} }))];
  return added;
}

function toWorkload(path: string, object: ManifestObject, kind: WorkloadKind): Workload {
  const expected = API_VERSION[kind];
  if (object.apiVersion !== expected) {
    throw manifestError(`Manifest ${path}: a ${kind} has apiVersion ${expected}, not ${object.apiVersion}.`);
  }
  const name = object.metadata?.name;
  if (!name) throw manifestError(`Manifest ${path}: the ${kind} has no metadata.name.`);
  if (kind === 'Pod') {
    const pod: V1Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: cleanMetadata(object.metadata),
      spec: structuredClone(object.spec) as V1Pod['spec'],
    };
    if (!pod.spec?.containers?.length)
      throw manifestError(`Manifest ${path}: the Pod has no spec.containers.`);
    return { kind, name, runs: 'pod', pod, shape: podShape(pod), how: `Pod ${name}` };
  }
  const template = templateOf(object, kind);
  if (!template?.spec?.containers?.length) {
    throw manifestError(`Manifest ${path}: ${kind} ${name} has no ${TEMPLATE_PATH[kind]}.containers.`);
  }
  const pod = barePod(name, template);
  if (kind === 'Job' || kind === 'CronJob') {
    const restartPolicy = template.spec.restartPolicy ?? 'Always';
    if (restartPolicy !== 'Never' && restartPolicy !== 'OnFailure') {
      throw manifestError(
        `Manifest ${path}: ${kind} ${name}'s Pod template has restartPolicy ${restartPolicy}; a Job's Pods need Never or OnFailure.`,
      );
    }
    const how =
      kind === 'CronJob'
        ? `CronJob ${name}: run once as a Job made from its jobTemplate`
        : `Job ${name}: run to completion`;
    return { kind, name, runs: 'job', pod, job: jobFrom(object, kind, name), shape: podShape(pod), how };
  }
  const claims = kind === 'StatefulSet' ? claimsAsEmptyDirs(object, pod) : [];
  const how = `${kind} ${name}: its Pod template run as one bare Pod${
    claims.length ? ` (volumeClaimTemplates ${claims.join(', ')} as emptyDir volumes)` : ''
  }`;
  return { kind, name, runs: 'pod', pod, shape: podShape(pod), how };
}

const NO_SIDECAR = 'has no sidecar (an initContainer with restartPolicy: Always)';

/**
 * Reads a manifest holding one or more workloads, each with at least one native sidecar (an init
 * container with restartPolicy Always); other objects (a ConfigMap, a Service) are left out.
 */
export async function loadWorkloads(path: string): Promise<WorkloadManifest> {
  const documents = (await readManifestDocuments(path)) as ManifestObject[];
  const found = documents.filter((d) => isWorkloadKind(d?.kind));
  if (found.length === 0) {
    const kinds = documents.map((d) => String(d?.kind ?? 'no kind')).join(', ') || 'nothing';
    throw manifestError(
      `Manifest ${path} holds no workload (found: ${kinds}); give a Pod, Job, CronJob, Deployment, StatefulSet, DaemonSet or ReplicaSet with a native sidecar.`,
    );
  }
  const workloads = found.map((object) => toWorkload(path, object, object.kind as WorkloadKind));
  const without = workloads.filter((w) => w.shape.sidecars.length === 0);
  if (without.length === 1 && workloads.length === 1) {
    const only = without[0] as Workload;
    throw manifestError(`Manifest ${path}: ${only.kind} ${only.name} ${NO_SIDECAR}.`);
  }
  if (without.length === workloads.length) {
    throw manifestError(
      `Manifest ${path} holds no workload with a native sidecar (an initContainer with restartPolicy: Always); found: ${workloads.map((w) => `${w.kind} ${w.name}`).join(', ')}.`,
    );
  }
  if (without.length > 0) {
    throw manifestError(
      `Manifest ${path}: ${without.map((w) => `${w.kind} ${w.name}`).join(', ')} ${NO_SIDECAR}; every workload in the file is checked, so give each a sidecar or move it to another file.`,
    );
  }
  return { path, workloads };
}

/** The label selector of a Job's Pods. */
export function jobPodSelector(jobName: string, label = JOB_NAME_LABEL): string {
  return `${label}=${jobName}`;
}

/** A copy of the workload with every container image replaced by `image` (Pod and Job alike). */
export function withEveryImage(workload: Workload, image: string): Workload {
  const swap = (containers: V1Container[] | undefined) => {
    for (const container of containers ?? []) container.image = image;
  };
  const copy = structuredClone(workload);
  for (const spec of [copy.pod.spec, copy.job?.spec?.template?.spec]) {
    swap(spec?.initContainers);
    swap(spec?.containers);
  }
  return copy;
}

/** Every container's image as `name image`, in manifest order (init containers first). */
export function containerImages(pod: V1Pod): { container: string; image: string }[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => ({
    container: c.name,
    image: c.image ?? '',
  }));
}
