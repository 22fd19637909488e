import { deletePod } from '../apply/apply.js';
import type { DriveContext } from './scenario.js';

/** Steps scenarios share: each waits on the observer (watch-driven) with the scenario's deadline. */

const allStatuses = (context: DriveContext) => [
  ...(context.observer.pod?.status?.initContainerStatuses ?? []),
  ...(context.observer.pod?.status?.containerStatuses ?? []),
];

/** Every container running (and, when asked, exactly `ready` of them ready). */
export async function waitRunning(
  context: DriveContext,
  expectedContainers: number,
  ready?: number,
): Promise<void> {
  context.progress(`${context.podName}: waiting for ${expectedContainers} containers running`);
  await context.observer.waitFor(
    () => {
      const statuses = allStatuses(context);
      const running = statuses.filter((s) => s.state?.running);
      if (running.length < expectedContainers) return undefined;
      if (ready !== undefined && statuses.filter((s) => s.ready).length !== ready) return undefined;
      return true;
    },
    {
      description: `${expectedContainers} containers of ${context.namespace}/${context.podName} running${ready !== undefined ? ` with ${ready} ready` : ''}`,
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
