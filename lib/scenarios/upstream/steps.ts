import type { DriveContext } from '../scenario.js';

/** Steps the upstream scenarios need beyond lib/scenarios/drive.ts. */

/**
 * Waits for phase Succeeded or Failed with no container still running, logs drained. Unlike
 * waitCompleted it does not wait for every container to be terminated: when an init container
 * fails under restartPolicy Never the Pod fails and the containers declared after it never leave
 * their waiting state.
 */
export async function waitPodEnded(context: DriveContext): Promise<void> {
  const name = context.observer.podName ?? context.podName;
  context.progress(`${name}: waiting for phase Succeeded or Failed with no container running`);
  await context.observer.waitFor(
    () => {
      const status = context.observer.pod?.status;
      if (status?.phase !== 'Succeeded' && status?.phase !== 'Failed') return undefined;
      const statuses = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
      return statuses.some((s) => s.state?.running) ? undefined : true;
    },
    {
      description: `Pod ${context.namespace}/${name} to end (Succeeded or Failed) with no container running`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    },
  );
  await context.observer.drainLogs(5_000);
}
