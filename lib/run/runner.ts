import { resolve } from 'node:path';
import { applyPod, createNamespace, deleteNamespace, deletePod } from '../apply/apply.js';
import { imagesOf, loadPodManifest, substituteImage } from '../apply/manifest.js';
import { describeError } from '../errors.js';
import type { Kube } from '../kube/client.js';
import { PodObserver } from '../observe/observer.js';
import type { RuntimeInspector } from '../observe/runtime.js';
import { nowNs } from '../timeline/time.js';
import { judgeScenario } from './judge.js';
import type { ImageChoice, ScenarioResult } from './result.js';
import type { RunSettings, Scenario } from '../scenarios/scenario.js';

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
  const manifest = await loadPodManifest(resolve(options.root, scenario.manifest));
  const podName = manifest.pod.metadata?.name as string;
  const pod = options.image.substituted
    ? substituteImage(manifest.pod, options.image.reference, options.image.used)
    : manifest.pod;
  const progress = (line: string) => options.progress(`[${scenario.name}] ${line}`);
  const observer = new PodObserver({
    kube: options.kube,
    namespace,
    podName,
    silenceMs: options.watchSilenceMs,
    runtime: options.runtime,
    onProblem: (message) => progress(`note: ${message}`),
  });

  let error: string | undefined;
  let namespaceCreated = false;
  try {
    await createNamespace(options.kube, namespace, options.runId, scenario.name);
    namespaceCreated = true;
    observer.start();
    progress(
      `applying ${scenario.manifest} in namespace ${namespace} (images: ${[...new Set(imagesOf(pod))].join(', ')})`,
    );
    observer.mark('applied');
    await applyPod(options.kube, pod, namespace);
    await scenario.drive({
      kube: options.kube,
      namespace,
      podName,
      observer,
      settings: options.settings,
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
      await deletePod(options.kube, namespace, podName, 0).catch(() => undefined);
      await deleteNamespace(options.kube, namespace, options.runId).then(
        (note) => note && progress(`note: ${note}`),
        (e: unknown) => progress(`could not delete namespace ${namespace}: ${describeError(e)}`),
      );
    }
  }

  return judgeScenario(scenario, {
    namespace,
    podName,
    shape: manifest.shape,
    timeline: observer.timeline,
    startedNs,
    finishedNs: nowNs(),
    settings: options.settings,
    ...(error !== undefined ? { error } : {}),
  });
}
