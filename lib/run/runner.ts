import { resolve } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import {
  applyJob,
  applyPod,
  createNamespace,
  waitForDefaultServiceAccount,
  deleteNamespace,
  deletePod,
} from '../apply/apply.js';
import { agnhostFor, imagesOf, loadPodManifest, substituteImage } from '../apply/manifest.js';
import { describeError } from '../errors.js';
import type { Kube } from '../kube/client.js';
import { JOB_NAME_LABEL, LEGACY_JOB_NAME_LABEL, jobPodSelector } from '../apply/workload.js';
import { PodObserver, type ObservedPod } from '../observe/observer.js';
import type { RuntimeInspector } from '../observe/runtime.js';
import { nowNs } from '../timeline/time.js';
import { judgeScenario, notApplicableResult } from './judge.js';
import { settleEvidence } from './settle.js';
import type { ImageChoice, ScenarioResult } from './result.js';
import type { NodeOperations, RunSettings, Scenario } from '../scenarios/scenario.js';
import { notApplicable, type ClusterFacts } from '../scenarios/requirements.js';
import { workloadOf } from '../scenarios/workload.js';
import type { PodShape } from '../timeline/pod-shape.js';

/** How long a scenario keeps observing, once driven, for Events and finish times still in flight. */
const SETTLE_MS = 5000;

export interface RunScenarioOptions {
  kube: Kube;
  runId: string;
  image: ImageChoice;
  settings: RunSettings;
  watchSilenceMs: number;
  /** Repository root the scenario's manifest path is relative to. */
  root: string;
  signal: AbortSignal;
  progress: (line: string) => void;
  /** The node's container runtime, for nanosecond container times (the session's, when it has one). */
  runtime?: RuntimeInspector;
  /** Leave the namespace and Pod running (the lifecycle test takes the whole cluster down instead). */
  keepPod?: boolean;
  /** What the cluster has (version, gates, node operations), to tell a scenario it cannot run here. */
  facts?: ClusterFacts;
  /** The node operations a disruptive scenario makes. */
  node?: NodeOperations;
}

/** A namespace name of at most 63 characters: `sc-<scenario>-<run id>`. */
export function namespaceFor(scenario: string, runId: string): string {
  return `sc-${scenario}-${runId}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 63)
    .replace(/-+$/, '');
}

/**
 * Runs one scenario in its own namespace: observe first, apply, drive, check the rules. The
 * namespace is deleted afterwards whatever happened; the timeline is kept for the report.
 */
export async function runScenario(scenario: Scenario, options: RunScenarioOptions): Promise<ScenarioResult> {
  const startedNs = nowNs();
  const namespace = namespaceFor(scenario.name, options.runId);
  // A user's workload (check) comes with its Pod or Job, images already chosen; a seed scenario's
  // Pod is read from its manifest, the reference image substituted when the session says so.
  const workload = workloadOf(scenario);
  const manifest = workload ? undefined : await loadPodManifest(resolve(options.root, scenario.manifest));
  const basePod = workload?.pod ?? (manifest?.pod as V1Pod);
  const shape = workload?.shape ?? (manifest?.shape as PodShape);
  const podName = basePod.metadata?.name as string;
  const substituted =
    !workload && options.image.substituted
      ? substituteImage(basePod, options.image.reference, options.image.used)
      : basePod;
  // The manifests name the agnhost the default version's cluster builds; every local cluster builds
  // and tags its own at its version, so a scenario runs the one of the cluster it runs on.
  const pod = workload ? substituted : agnhostFor(substituted, options.facts?.kubernetesVersion);
  const job = workload?.runs === 'job' ? workload.job : undefined;
  const progress = (line: string) => options.progress(`[${scenario.name}] ${line}`);
  const reason = options.facts && notApplicable(scenario.requires, options.facts);
  if (reason) {
    progress(reason);
    return notApplicableResult(scenario, { namespace, podName, shape, atNs: startedNs, reason });
  }
  // A Job's Pods are found by the label the Job controller gives them.
  const observe = (target: ObservedPod) =>
    new PodObserver({
      kube: options.kube,
      namespace,
      ...target,
      silenceMs: options.watchSilenceMs,
      runtime: options.runtime,
      onProblem: (message) => progress(`note: ${message}`),
    });
  let observer = observe(job ? { podSelector: jobPodSelector(podName) } : { podName });

  let error: string | undefined;
  let namespaceCreated = false;
  try {
    await createNamespace(options.kube, namespace, options.runId, scenario.name);
    await waitForDefaultServiceAccount(options.kube, namespace, { signal: options.signal });
    namespaceCreated = true;
    observer.start();
    progress(
      `applying ${workload ? `${workload.how} from ` : ''}${scenario.manifest} in namespace ${namespace} (images: ${[...new Set(imagesOf(pod))].join(', ')})`,
    );
    observer.mark('applied');
    if (job) {
      const applied = await applyJob(options.kube, job, namespace);
      const labels = applied.spec?.template?.metadata?.labels ?? {};
      if (!labels[JOB_NAME_LABEL] && labels[LEGACY_JOB_NAME_LABEL]) {
        // An API server older than 1.27 labels a Job's Pods job-name only: observe by that.
        await observer.stop();
        observer = observe({ podSelector: jobPodSelector(podName, LEGACY_JOB_NAME_LABEL) });
        observer.start();
        observer.mark('applied');
      }
    } else {
      await applyPod(options.kube, pod, namespace);
    }
    await scenario.drive({
      kube: options.kube,
      namespace,
      podName,
      observer,
      settings: options.settings,
      signal: options.signal,
      progress,
      ...(options.node ? { node: options.node } : {}),
    });
    await settleEvidence(observer, {
      runtime: options.runtime !== undefined,
      timeoutMs: SETTLE_MS,
      signal: options.signal,
      progress,
    });
  } catch (caught) {
    error = describeError(caught);
    progress(`error: ${error}`);
  } finally {
    observer.mark('observed-until');
    await observer.stop();
    if (namespaceCreated && !options.keepPod) {
      // The Pods of Files 1, 4 and 5 ignore SIGTERM (sleep as PID 1): remove them at once.
      const observedName = observer.podName;
      if (observedName) await deletePod(options.kube, namespace, observedName, 0).catch(() => undefined);
      await deleteNamespace(options.kube, namespace, options.runId).then(
        (note) => note && progress(`note: ${note}`),
        (e: unknown) => progress(`could not delete namespace ${namespace}: ${describeError(e)}`),
      );
    }
  }

  return judgeScenario(scenario, {
    namespace,
    podName: observer.podName ?? podName,
    shape,
    timeline: observer.timeline,
    startedNs,
    finishedNs: nowNs(),
    settings: options.settings,
    ...(error !== undefined ? { error } : {}),
  });
}
