import { sleep, WaitTimeoutError } from '../../wait.js';
import type { DriveContext } from '../scenario.js';

/** Steps the probe scenarios need beyond lib/scenarios/drive.ts. */

const podOf = (context: DriveContext) => context.observer.podName ?? context.podName;

/** Keeps observing for `ms`: the window an absence rule ("never restarted") is judged over. */
export async function observeFor(context: DriveContext, ms: number, why: string): Promise<void> {
  context.progress(`${podOf(context)}: observing for ${ms} ms (${why})`);
  await sleep(ms, context.signal);
}

/**
 * Waits until the container's status says it is waiting for `reason` (e.g. ImagePullBackOff). The
 * state is what is expected here, so it never ends the wait early; a timeout names the state seen.
 */
export async function waitForWaitingReason(
  context: DriveContext,
  container: string,
  reason: string,
): Promise<void> {
  const name = podOf(context);
  const status = () =>
    [
      ...(context.observer.pod?.status?.initContainerStatuses ?? []),
      ...(context.observer.pod?.status?.containerStatuses ?? []),
    ].find((s) => s.name === container);
  context.progress(`${name}: waiting for ${container} to be waiting: ${reason}`);
  try {
    await context.observer.waitFor(() => (status()?.state?.waiting?.reason === reason ? true : undefined), {
      description: `${container} waiting: ${reason} in ${context.namespace}/${name}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const state = status()?.state;
    const seen = state ? JSON.stringify(state) : 'no status';
    throw new Error(
      `${container} never waited for ${reason} in ${context.namespace}/${name} (last state ${seen})`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Keeps observing until the timeline has the exit of the container's instance `restartCount` (from
 * the runtime, or the status's finishedAt), at most `timeoutMs`: a restart can replace an instance
 * before any status showed it terminated, and its end then comes later, with the next lastState or
 * the runtime's answer. Does not fail: a rule that needs the exit says it never came.
 */
export async function waitForInstanceExit(
  context: DriveContext,
  container: string,
  restartCount: number,
  timeoutMs: number,
): Promise<void> {
  const timeline = context.observer.timeline;
  const known = () =>
    timeline
      .find({ kind: 'terminated', container })
      .some((r) => r.source !== 'event' && (r.restartCount ?? 0) === restartCount) ||
    timeline
      .find({ kind: 'restarted', container })
      .some((r) => r.restartCount === restartCount + 1 && r.precision === 'second');
  if (known()) return;
  context.progress(
    `${podOf(context)}: waiting up to ${timeoutMs} ms for the exit time of ${container} #${restartCount}`,
  );
  await context.observer
    .waitFor(() => (known() ? true : undefined), {
      description: `the exit of ${container} #${restartCount}`,
      timeoutMs,
      signal: context.signal,
    })
    .catch((error: unknown) => {
      if (!(error instanceof WaitTimeoutError)) throw error;
      context.progress(`note: no exit time of ${container} #${restartCount} after ${timeoutMs} ms`);
    });
}
