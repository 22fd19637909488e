import type { AssertionResult } from '../assert/result.js';
import type { ExitOptions } from '../assert/instants.js';
import { exitOf } from '../assert/instants.js';
import { exitsBefore, startOrder, stopsAfter, type Bounds } from '../assert/vocabulary.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { Timeline } from '../timeline/timeline.js';

/**
 * Rules that hold for every Pod with native sidecars, written once and used by the seed scenarios
 * and by `check` on any user's Pod.
 */

/** Sidecars then apps, in manifest order (kubectl's READY counts these). */
export const allContainers = (shape: PodShape): string[] => [...shape.sidecars, ...shape.apps];

/**
 * Sidecars start in manifest order, before every app: by the best times the harness has (the
 * runtime's nanoseconds, else the status's seconds), and per the Started Events, which must not
 * contradict that order to the second.
 */
export function sidecarStartRules(timeline: Timeline, shape: PodShape): AssertionResult[] {
  const chains = [[...shape.sidecars, ...shape.apps.slice(0, 1)]];
  const last = shape.sidecars.at(-1);
  if (last) for (const app of shape.apps.slice(1)) chains.push([last, app]);
  return [undefined, 'event' as const].flatMap((source) =>
    chains.flatMap((order) => startOrder(timeline, { order, ...(source ? { source } : {}) })),
  );
}

/**
 * On shutdown the apps stop first, then the sidecars in reverse manifest order, each within `gap`
 * of the container before it (the first sidecar is measured from the app that exited last).
 */
export function reverseShutdownRules(
  timeline: Timeline,
  shape: PodShape,
  gap: Bounds & ExitOptions,
): AssertionResult[] {
  const reversed = [...shape.sidecars].reverse();
  const exitNs = (app: string) => exitOf(timeline, app, gap)?.ns ?? -1n;
  const lastApp = shape.apps.reduce((latest, app) => (exitNs(app) > exitNs(latest) ? app : latest));
  const rules: AssertionResult[] = [];
  const firstSidecar = reversed[0];
  if (!firstSidecar) return rules;
  for (const app of shape.apps) rules.push(exitsBefore(timeline, { first: app, then: firstSidecar, ...gap }));
  let previous = lastApp;
  for (const sidecar of reversed) {
    rules.push(stopsAfter(timeline, { first: previous, then: sidecar, ...gap }));
    previous = sidecar;
  }
  return rules;
}
