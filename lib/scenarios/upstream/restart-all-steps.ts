import { StopWaiting, WaitTimeoutError } from '../../wait.js';
import { waitRunning } from '../drive.js';
import type { Requirements } from '../requirements.js';
import type { DriveContext } from '../scenario.js';
import { observeFor } from './probe-steps.js';

/** What the RestartAllContainers rows (upstream X1–X3) share: their gates, their wait, their bounds. */

/**
 * The gates, as k8s.io/kubernetes pkg/features/kube_features.go has them (v1.35.4, v1.36.3,
 * v1.37.2): RestartAllContainersOnContainerExits depends on ContainerRestartRules and on
 * NodeDeclaredFeatures, so a 1.35 cluster needs all three turned on.
 */
export const RESTART_ALL_REQUIREMENTS: Requirements = {
  featureGates: [
    {
      gate: 'RestartAllContainersOnContainerExits',
      since: '1.35',
      defaultOnSince: '1.36',
      stage: 'alpha in 1.35, beta (on by default) in 1.36',
    },
    {
      gate: 'ContainerRestartRules',
      since: '1.34',
      defaultOnSince: '1.35',
      stage: 'alpha in 1.34, beta (on by default) in 1.35',
    },
    {
      gate: 'NodeDeclaredFeatures',
      since: '1.35',
      defaultOnSince: '1.36',
      stage:
        'alpha in 1.35, beta (on by default) in 1.36, GA in 1.37; RestartAllContainersOnContainerExits depends on it',
    },
  ],
};

/** Upstream waits 3 minutes for every named container to have restarted, and 3 more for each to run. */
export const ALL_RESTARTED_WITHIN_MS = 3 * 60_000;
export const RUNNING_AGAIN_WITHIN_MS = 3 * 60_000;
/** After the containers run again, keep watching this long: they must still run at the end. */
export const WATCH_AFTER_MS = 5000;

/**
 * Waits until each of `restarted` has restarted at least once (the status's restartCount), one wait
 * for all of them bounded by upstream's 3 minutes; a Pod that ends first (a Never Pod whose restart
 * never came fails) ends it at once. Then waits until each of `running` runs, and watches a little
 * longer, so the rules see whether any of them stops again.
 */
export async function waitAllRestarted(
  context: DriveContext,
  options: { restarted: string[]; running: string[] },
): Promise<void> {
  const name = context.observer.podName ?? context.podName;
  const where = `${context.namespace}/${name}`;
  const statuses = () => [
    ...(context.observer.pod?.status?.initContainerStatuses ?? []),
    ...(context.observer.pod?.status?.containerStatuses ?? []),
  ];
  const notYet = () =>
    options.restarted.filter((c) => (statuses().find((s) => s.name === c)?.restartCount ?? 0) < 1);
  context.progress(`${name}: waiting for ${options.restarted.join(', ')} to restart once`);
  try {
    await context.observer.waitFor(
      () => {
        if (notYet().length === 0) return true;
        const phase = context.observer.pod?.status?.phase;
        if (phase === 'Succeeded' || phase === 'Failed') {
          throw new StopWaiting(
            new Error(`Pod ${where} ended ${phase} before ${notYet().join(', ')} restarted.`),
          );
        }
        return undefined;
      },
      {
        description: `${options.restarted.join(', ')} to restart once in ${where}`,
        timeoutMs: ALL_RESTARTED_WITHIN_MS,
        signal: context.signal,
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${options.restarted.join(', ')} to restart once in ${where}: ${notYet().join(', ')} still at restartCount 0.`,
      { cause: error },
    );
  }
  await waitRunning(context, { running: options.running });
  await observeFor(context, WATCH_AFTER_MS, `${options.running.join(', ')} must keep running`);
}
