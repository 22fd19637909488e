import { deletePod } from '../apply/apply.js';
import type { DriveContext } from './scenario.js';

/** Steps scenarios share: each waits on the observer (watch-driven) with the scenario's deadline. */

const allStatuses = (context: DriveContext) => [
  ...(context.observer.pod?.status?.initContainerStatuses ?? []),
  ...(context.observer.pod?.status?.containerStatuses ?? []),
];

/**
 * Waits until the named containers are running (and, for `ready`, ready too); the wait's
 * description names the containers, and a timeout names the ones still missing.
 */
export async function waitRunning(
  context: DriveContext,
  want: { running?: string[]; ready?: string[] },
): Promise<void> {
  const running = [...new Set([...(want.running ?? []), ...(want.ready ?? [])])];
  const ready = want.ready ?? [];
  const what = `${running.join(', ')} running${ready.length ? `, ${ready.join(', ')} ready` : ''}`;
  context.progress(`${context.podName}: waiting for ${what}`);
  await context.observer.waitFor(
    () => {
      const statuses = new Map(allStatuses(context).map((s) => [s.name, s]));
      const notRunning = running.filter((name) => !statuses.get(name)?.state?.running);
      const notReady = ready.filter((name) => !statuses.get(name)?.ready);
      return notRunning.length === 0 && notReady.length === 0 ? true : undefined;
    },
    {
      description: `${what} in ${context.namespace}/${context.podName}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    },
  );
}

/** Deletes the Pod with its own grace period and waits until it is gone, logs drained. */
export async function deleteAndWaitGone(context: DriveContext): Promise<void> {
  context.progress(`${context.podName}: deleting, waiting for the Pod to be gone`);
  context.observer.mark('delete-requested');
  await deletePod(context.kube, context.namespace, context.podName);
  await context.observer.waitFor(() => (context.observer.gone ? true : undefined), {
    description: `Pod ${context.namespace}/${context.podName} to be gone after delete`,
    timeoutMs: context.settings.podTimeoutMs,
    signal: context.signal,
  });
  await context.observer.drainLogs(5_000);
}

/** Waits for phase Succeeded or Failed with every container terminated, logs drained. */
export async function waitCompleted(context: DriveContext): Promise<void> {
  context.progress(`${context.podName}: waiting for the Pod to complete`);
  await context.observer.waitFor(
    () => {
      const phase = context.observer.pod?.status?.phase;
      if (phase !== 'Succeeded' && phase !== 'Failed') return undefined;
      return allStatuses(context).every((s) => s.state?.terminated) ? true : undefined;
    },
    {
      description: `Pod ${context.namespace}/${context.podName} to complete with every container terminated`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    },
  );
  await context.observer.drainLogs(5_000);
}

/** Waits until `container` has restarted at least `count` times. */
export async function waitRestarts(context: DriveContext, container: string, count: number): Promise<void> {
  context.progress(`${context.podName}: waiting for ${container} to restart ${count} time(s)`);
  await context.observer.waitFor(
    () =>
      (allStatuses(context).find((s) => s.name === container)?.restartCount ?? 0) >= count ? true : undefined,
    {
      description: `${container} in ${context.namespace}/${context.podName} to restart ${count} time(s)`,
      timeoutMs: context.settings.podTimeoutMs + count * 60_000,
      signal: context.signal,
    },
  );
}
