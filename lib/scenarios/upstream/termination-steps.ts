import type { V1ContainerStatus } from '@kubernetes/client-node';
import { deletePod } from '../../apply/apply.js';
import { StopWaiting, WaitTimeoutError } from '../../wait.js';
import type { DriveContext } from '../scenario.js';

/**
 * Steps the upstream termination rows need beyond lib/scenarios/drive.ts: delete with a grace
 * period of the test's choosing (not the Pod's own), and wait for a Pod still initializing
 * (phase Pending) with given containers running, failing at once if it leaves Pending.
 */

const statuses = (context: DriveContext): V1ContainerStatus[] => [
  ...(context.observer.pod?.status?.initContainerStatuses ?? []),
  ...(context.observer.pod?.status?.containerStatuses ?? []),
];

const where = (context: DriveContext) => `${context.namespace}/${context.podName}`;

/** Re-throws a timeout as one sentence naming what was awaited and the Pod as last seen. */
function explainTimeout(error: unknown, what: string, context: DriveContext): never {
  if (!(error instanceof WaitTimeoutError)) throw error;
  const diagnostics = error.diagnostics ? `\n${error.diagnostics}` : '';
  throw new Error(
    `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${what} in ${where(context)}.${diagnostics}`,
    { cause: error },
  );
}

/**
 * Deletes the Pod with `graceSeconds` (the delete request's grace period, which overrides the
 * Pod's terminationGracePeriodSeconds) and waits until it is gone, logs drained. The delete
 * request is marked on the timeline just before the call, as upstream starts its clock.
 */
export async function deleteWithGrace(context: DriveContext, graceSeconds: number): Promise<void> {
  const what = `the Pod to be gone after a delete with grace ${graceSeconds} s`;
  context.progress(
    `${context.podName}: deleting with grace ${graceSeconds} s, waiting for the Pod to be gone`,
  );
  context.observer.mark('delete-requested', `grace ${graceSeconds} s`);
  await deletePod(context.kube, context.namespace, context.podName, graceSeconds);
  try {
    await context.observer.waitFor(() => (context.observer.gone ? true : undefined), {
      description: `${what} in ${where(context)}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    });
  } catch (error) {
    explainTimeout(error, what, context);
  }
  await context.observer.drainLogs(5_000);
}

export interface InitializingWant {
  /** Containers that must be running. */
  running: string[];
  /** Of those, sidecars whose status must still say `started: false` (startupProbe not passed). */
  notStarted?: string[];
}

/**
 * Waits until the Pod is still initializing (phase Pending) with `running` running and
 * `notStarted` not yet started; a Pod that leaves Pending first ends the wait at once, as upstream's
 * wait errors out.
 */
export async function waitInitializing(context: DriveContext, want: InitializingWant): Promise<void> {
  const notStarted = want.notStarted ?? [];
  const what = `phase Pending with ${want.running.join(', ')} running${notStarted.length ? `, ${notStarted.join(', ')} not started` : ''}`;
  context.progress(`${context.podName}: waiting for ${what}`);
  try {
    await context.observer.waitFor(
      () => {
        const phase = context.observer.pod?.status?.phase;
        if (phase && phase !== 'Pending') {
          throw new StopWaiting(
            new Error(`Pod ${where(context)} left Pending (phase ${phase}) before ${what}.`),
          );
        }
        const byName = new Map(statuses(context).map((s) => [s.name, s]));
        const running = want.running.every((name) => byName.get(name)?.state?.running);
        const unstarted = notStarted.every((name) => byName.get(name)?.started !== true);
        return phase === 'Pending' && running && unstarted ? true : undefined;
      },
      {
        description: `${what} in ${where(context)}`,
        timeoutMs: context.settings.podTimeoutMs,
        signal: context.signal,
      },
    );
  } catch (error) {
    explainTimeout(error, what, context);
  }
}
