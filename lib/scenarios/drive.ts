import type { V1Job, V1JobCondition } from '@kubernetes/client-node';
import { deletePod, readJob } from '../apply/apply.js';
import { BlockerTracker, describeBlocker, whatBlocks, type Blocker } from '../observe/blockers.js';
import { poll, StopWaiting, WaitTimeoutError } from '../wait.js';
import type { DriveContext } from './scenario.js';

/**
 * Steps scenarios share: each waits on the observer (watch-driven) with the scenario's deadline.
 * A wait names the containers it waits for; it ends early, with one sentence naming the container,
 * its image and the reason, when a container is hopelessly blocked (an image that cannot be pulled,
 * a container that cannot be created or keeps crashing), and a timeout says what still blocks
 * ("app waits for init container setup, still running after 120 s").
 */

const allStatuses = (context: DriveContext) => [
  ...(context.observer.pod?.status?.initContainerStatuses ?? []),
  ...(context.observer.pod?.status?.containerStatuses ?? []),
];

/** The observed Pod's name: the one given, or the one a selector found (a Job's). */
const podOf = (context: DriveContext) => context.observer.podName ?? context.podName;

const list = (names: string[]) => names.join(', ');

interface WaitOnOptions<T> {
  /** What is awaited, naming containers: "first-sidecar, app running". */
  what: string;
  /** The containers whose progress the wait needs, for the timeout's "what blocks" (read then). */
  containers: string[] | (() => string[]);
  check: () => T | undefined;
  /** Further clauses for the timeout's "what blocks" (a sidecar still running after every app exited). */
  alsoBlocks?: () => string[];
  /** Whether a hopelessly blocked container ends this wait (default: any). */
  stopsOn?: (blocker: Blocker) => boolean;
  timeoutMs?: number;
}

/** One wait on the observer, with blockers ending it early and a timeout that says what blocks. */
async function waitOn<T>(context: DriveContext, options: WaitOnOptions<T>): Promise<T> {
  const tracker = new BlockerTracker();
  const timeoutMs = options.timeoutMs ?? context.settings.podTimeoutMs;
  const where = `${context.namespace}/${podOf(context)}`;
  try {
    return await context.observer.waitFor(
      () => {
        const value = options.check();
        if (value !== undefined) return value;
        const blocker = tracker.see(context.observer.pod, context.observer.timeline);
        if (blocker && (options.stopsOn?.(blocker) ?? true)) {
          throw new StopWaiting(new Error(`${describeBlocker(blocker)} (Pod ${where}).`));
        }
        return undefined;
      },
      { description: `${options.what} in ${where}`, timeoutMs, signal: context.signal },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const blocks = [
      ...whatBlocks(
        context.observer.pod,
        typeof options.containers === 'function' ? options.containers() : options.containers,
        { waitedMs: error.elapsedMs },
      ),
      ...(options.alsoBlocks?.() ?? []),
    ];
    const why = blocks.length ? `: ${blocks.join('; ')}` : '';
    const diagnostics = error.diagnostics ? `\n${error.diagnostics}` : '';
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${options.what} in ${where}${why}.${diagnostics}`,
      { cause: error },
    );
  }
}

/**
 * Waits until the named containers are running (and, for `ready`, ready too); the wait's
 * description names the containers, and a timeout names what still blocks them.
 */
export async function waitRunning(
  context: DriveContext,
  want: { running?: string[]; ready?: string[] },
): Promise<void> {
  const running = [...new Set([...(want.running ?? []), ...(want.ready ?? [])])];
  const ready = want.ready ?? [];
  const what = `${list(running)} running${ready.length ? `, ${list(ready)} ready` : ''}`;
  context.progress(`${podOf(context)}: waiting for ${what}`);
  await waitOn(context, {
    what,
    containers: running,
    check: () => {
      const statuses = new Map(allStatuses(context).map((s) => [s.name, s]));
      const notRunning = running.filter((name) => !statuses.get(name)?.state?.running);
      const notReady = ready.filter((name) => !statuses.get(name)?.ready);
      return notRunning.length === 0 && notReady.length === 0 ? true : undefined;
    },
  });
}

/** Deletes the Pod with its own grace period and waits until it is gone, logs drained. */
export async function deleteAndWaitGone(context: DriveContext): Promise<void> {
  const podName = podOf(context);
  context.progress(`${podName}: deleting, waiting for the Pod to be gone`);
  context.observer.mark('delete-requested');
  await deletePod(context.kube, context.namespace, podName);
  const containers = allStatuses(context).map((s) => s.name);
  await waitOn(context, {
    what: `Pod to be gone after delete (${list(containers)} stopped)`,
    containers: [],
    check: () => (context.observer.gone ? true : undefined),
    stopsOn: () => false,
  });
  await context.observer.drainLogs(5_000);
}

/**
 * Waits for phase Succeeded or Failed with every container terminated, logs drained. A blocked
 * app ends the wait; so does a blocked init container or sidecar before any app ran (a sidecar
 * crashing beside a running app does not: the Pod may still complete).
 */
export async function waitCompleted(context: DriveContext, containers?: string[]): Promise<void> {
  const pod = () => context.observer.pod;
  const names = () => containers ?? allStatuses(context).map((s) => s.name);
  const apps = () => (pod()?.spec?.containers ?? []).map((c) => c.name);
  const every = names();
  context.progress(
    `${podOf(context)}: waiting for the Pod to complete${every.length ? ` (${list(every)} terminated)` : ''}`,
  );
  await waitOn(context, {
    what: `the Pod to complete with ${every.length ? list(every) : 'every container'} terminated`,
    containers: names,
    alsoBlocks: () => {
      const statuses = allStatuses(context);
      const appNames = apps();
      const appsDone = statuses.filter((s) => appNames.includes(s.name)).every((s) => s.state?.terminated);
      const running = statuses.filter((s) => s.state?.running).map((s) => s.name);
      return appsDone && running.length ? [`${list(running)} still running after every app exited`] : [];
    },
    check: () => {
      const phase = pod()?.status?.phase;
      if (phase !== 'Succeeded' && phase !== 'Failed') return undefined;
      return allStatuses(context).every((s) => s.state?.terminated) ? true : undefined;
    },
    stopsOn: (blocker) => {
      const appNames = apps();
      if (appNames.includes(blocker.container)) return true;
      const appRan = allStatuses(context).some(
        (s) => appNames.includes(s.name) && (s.state?.running || s.state?.terminated),
      );
      return !appRan;
    },
  });
  await context.observer.drainLogs(5_000);
}

/** Waits until `container` has restarted at least `count` times. */
export async function waitRestarts(context: DriveContext, container: string, count: number): Promise<void> {
  context.progress(`${podOf(context)}: waiting for ${container} to restart ${count} time(s)`);
  await waitOn(context, {
    what: `${container} to restart ${count} time(s)`,
    containers: [container],
    check: () =>
      (allStatuses(context).find((s) => s.name === container)?.restartCount ?? 0) >= count ? true : undefined,
    // Restarting is what is awaited: CrashLoopBackOff is on the way, not in the way.
    stopsOn: () => false,
    timeoutMs: context.settings.podTimeoutMs + count * 60_000,
  });
}

/** Job conditions that end it: Complete or Failed, True. */
export type JobEnd = { type: 'Complete' | 'Failed'; condition: V1JobCondition; job: V1Job };

export function jobEnd(job: V1Job): JobEnd | undefined {
  const condition = job.status?.conditions?.find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
  return condition ? { type: condition.type as JobEnd['type'], condition, job } : undefined;
}

/**
 * Waits for the Job's first Pod (the observed one) to complete, then for the Job to end (condition
 * Complete or Failed), re-reading the Job every second: after a failed Pod the Job may retry
 * (backoffLimit) with further Pods, which the observer lists in `otherPods`.
 */
export async function waitJobEnded(
  context: DriveContext,
  jobName: string,
  containers?: string[],
): Promise<JobEnd> {
  await waitCompleted(context, containers);
  context.progress(`Job ${jobName}: waiting for condition Complete or Failed`);
  let last: V1Job | undefined;
  try {
    return await poll(
      async () => {
        last = await readJob(context.kube, context.namespace, jobName);
        return jobEnd(last);
      },
      {
        description: `Job ${context.namespace}/${jobName} to be Complete or Failed`,
        timeoutMs: context.settings.podTimeoutMs,
        intervalMs: 1000,
        signal: context.signal,
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const status = last?.status;
    const others = context.observer.otherPods;
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for Job ${context.namespace}/${jobName} to be Complete or Failed: active ${status?.active ?? 0}, succeeded ${status?.succeeded ?? 0}, failed ${status?.failed ?? 0}${others.length ? `, later Pods ${list(others)}` : ''}.`,
      { cause: error },
    );
  }
}
