import type { Requirements } from '../requirements.js';
import type { V1ContainerStatus } from '@kubernetes/client-node';
import { deletePod, patchPod, resizePod, type JsonPatchOperation } from '../../apply/apply.js';
import { describeResources, type ContainerResources } from '../../timeline/resources.js';
import { WaitTimeoutError } from '../../wait.js';
import type { DriveContext } from '../scenario.js';

/**
 * Steps the upstream rows that change a running Pod need: patch a container's image (also while
 * the Pod terminates), resize containers through the `resize` subresource, and wait for the status
 * to show what the kubelet actuated. Each patch is marked on the timeline (`patched`, reason `image` or `resize`) just before
 * the request, as upstream's clock starts there.
 */

const where = (context: DriveContext) => `${context.namespace}/${context.podName}`;

const statuses = (context: DriveContext): V1ContainerStatus[] => [
  ...(context.observer.pod?.status?.initContainerStatuses ?? []),
  ...(context.observer.pod?.status?.containerStatuses ?? []),
];

/** `/spec/initContainers/1`: where the container sits in the observed Pod's spec. */
function specPath(context: DriveContext, container: string): string {
  const spec = context.observer.pod?.spec;
  const init = (spec?.initContainers ?? []).findIndex((c) => c.name === container);
  if (init >= 0) return `/spec/initContainers/${init}`;
  const app = (spec?.containers ?? []).findIndex((c) => c.name === container);
  if (app >= 0) return `/spec/containers/${app}`;
  throw new Error(`Pod ${where(context)} has no container ${container} to patch (or was not seen yet).`);
}

/** A `test` of the name first: the patch applies to that container or fails (422), never to another. */
const at = (path: string, container: string, field: string, value: unknown): JsonPatchOperation[] => [
  { op: 'test', path: `${path}/name`, value: container },
  { op: 'replace', path: `${path}/${field}`, value },
];

/** Patches the running container's image (the kubelet must restart it with the new one). */
export async function patchImage(context: DriveContext, container: string, image: string): Promise<void> {
  const path = specPath(context, container);
  context.progress(`${context.podName}: patching ${container}'s image to ${image}`);
  context.observer.mark('patched', 'image');
  await patchPod(context.kube, context.namespace, context.podName, at(path, container, 'image', image));
}

/**
 * Deletes the Pod with `graceSeconds` (the delete request's grace period), then, while it
 * terminates, patches the container's image, and waits until the Pod is gone, logs drained. The
 * delete request and the patch are each marked on the timeline just before their call, as
 * upstream's clock starts there. A timeout names what was awaited.
 */
export async function patchImageWhileTerminating(
  context: DriveContext,
  container: string,
  image: string,
  graceSeconds: number,
): Promise<void> {
  context.progress(`${context.podName}: deleting with grace ${graceSeconds} s`);
  context.observer.mark('delete-requested', `grace ${graceSeconds} s`);
  await deletePod(context.kube, context.namespace, context.podName, graceSeconds);
  await patchImage(context, container, image);
  const what = `the Pod to be gone after a delete with grace ${graceSeconds} s and ${container}'s image patch`;
  context.progress(`${context.podName}: waiting for ${what}`);
  try {
    await context.observer.waitFor(() => (context.observer.gone ? true : undefined), {
      description: `${what} in ${where(context)}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const diagnostics = error.diagnostics ? `\n${error.diagnostics}` : '';
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${what} in ${where(context)}.${diagnostics}`,
      { cause: error },
    );
  }
  await context.observer.drainLogs(5_000);
}

export interface ResizeTarget {
  container: string;
  resources: ContainerResources;
}

/** Resizes containers in place through the Pod's `resize` subresource, in one request. */
export async function resizeContainers(context: DriveContext, targets: ResizeTarget[]): Promise<void> {
  const operations = targets.flatMap(({ container, resources }) =>
    at(specPath(context, container), container, 'resources', resources),
  );
  const what = targets.map((t) => `${t.container} to ${describeResources(t.resources)}`).join(', ');
  context.progress(`${context.podName}: resizing ${what}`);
  context.observer.mark('patched', 'resize');
  await resizePod(context.kube, context.namespace, context.podName, operations);
}

/**
 * Waits until each container's status shows the resources asked for, running, with at least
 * `restarts` restarts when given (a resizePolicy RestartContainer restarts it). A timeout names what
 * each status showed.
 */
export async function waitResourcesActuated(
  context: DriveContext,
  targets: ResizeTarget[],
  restarts = 0,
): Promise<void> {
  const want = new Map(targets.map((t) => [t.container, describeResources(t.resources)]));
  const what = `${[...want.keys()].join(', ')} running with the resized resources${
    restarts ? ` after ${restarts} restart(s)` : ''
  }`;
  context.progress(`${context.podName}: waiting for ${what}`);
  const done = (s: V1ContainerStatus | undefined, resources: string) =>
    !!s?.state?.running && describeResources(s.resources) === resources && (s.restartCount ?? 0) >= restarts;
  try {
    await context.observer.waitFor(
      () => {
        const byName = new Map(statuses(context).map((s) => [s.name, s]));
        return [...want].every(([name, resources]) => done(byName.get(name), resources)) ? true : undefined;
      },
      {
        description: `${what} in ${where(context)}`,
        timeoutMs: context.settings.podTimeoutMs,
        signal: context.signal,
      },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const byName = new Map(statuses(context).map((s) => [s.name, s]));
    const seen = [...want.keys()]
      .map((name) => {
        const s = byName.get(name);
        return `${name}: ${describeResources(s?.resources) || 'no resources'}, restarts ${s?.restartCount ?? 0}, ${s?.state?.running ? 'running' : 'not running'}`;
      })
      .join('; ');
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${what} in ${where(context)}: ${seen}.`,
      { cause: error },
    );
  }
}

/**
 * Waits until each container has logged a line matching `line` (e.g. the cgroup values it read),
 * so that what it reports before a change is on the timeline before the change is made.
 */
export async function waitLogged(context: DriveContext, containers: string[], line: RegExp): Promise<void> {
  const what = `${containers.join(', ')} to log /${line.source}/`;
  context.progress(`${context.podName}: waiting for ${what}`);
  const logged = (container: string) =>
    context.observer.timeline.find({ kind: 'log', container }).some((r) => line.test(r.message ?? ''));
  try {
    await context.observer.waitFor(() => (containers.every(logged) ? true : undefined), {
      description: `${what} in ${where(context)}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const silent = containers.filter((c) => !logged(c));
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${what} in ${where(context)}: ${silent.join(', ')} logged no such line.`,
      { cause: error },
    );
  }
}

/** Waits until a Pulled Event says the container's image `image` is there: the kubelet is making an instance from it. */
export async function waitPulled(context: DriveContext, container: string, image: string): Promise<void> {
  const what = `a Pulled event of ${container} naming ${image}`;
  context.progress(`${context.podName}: waiting for ${what}`);
  const pulled = () =>
    context.observer.timeline
      .find({ source: 'event', reason: 'Pulled', container })
      .some((r) => (r.message ?? '').includes(`"${image}"`));
  try {
    await context.observer.waitFor(() => (pulled() ? true : undefined), {
      description: `${what} in ${where(context)}`,
      timeoutMs: context.settings.podTimeoutMs,
      signal: context.signal,
    });
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const last = context.observer.timeline.find({ source: 'event', reason: 'Pulled', container }).at(-1);
    throw new Error(
      `timed out after ${Math.round(error.elapsedMs / 1000)} s waiting for ${what} in ${where(context)}; last Pulled event: ${last?.message ?? 'none'}.`,
      { cause: error },
    );
  }
}

/**
 * What the in-place resize rows need: sidecar resize arrived in 1.32 (kubernetes#128367), under
 * InPlacePodVerticalScaling (alpha 1.27, beta and on by default 1.33, GA 1.35).
 */
export const RESIZE_REQUIREMENTS: Requirements = {
  // v1.32.13's API server refuses resizePolicy on an init container ("must not be set for init
  // containers", seen in the matrix); sidecar resize came with v1.33.
  since: { version: '1.33', what: 'in-place resize of a sidecar (kubernetes#128367)' },
  featureGates: [
    {
      gate: 'InPlacePodVerticalScaling',
      since: '1.27',
      defaultOnSince: '1.33',
      stage: 'alpha in 1.27, beta and on by default in 1.33, GA in 1.35',
    },
  ],
};
