import type { AssertionResult } from '../assert/result.js';
import { exitOf, exitsBefore, gapBetween, startOrder, type GapBounds } from '../assert/vocabulary.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { Timeline } from '../timeline/timeline.js';

/**
 * Rules that hold for every Pod with native sidecars, written once and used by the seed scenarios
 * and by `check` on any user's Pod.
 */

/** Sidecars start in manifest order, before the app, per Events and per container status (which must agree). */
export function sidecarStartRules(timeline: Timeline, shape: PodShape): AssertionResult[] {
  const order = [...shape.sidecars, ...shape.apps.slice(0, 1)];
  const extraApps = shape.apps.slice(1).map((app) => [shape.sidecars.at(-1) as string, app]);
  const rules: AssertionResult[] = [];
  for (const source of ['event', 'status'] as const) {
    rules.push(...startOrder(timeline, order, source));
    for (const pair of extraApps) rules.push(...startOrder(timeline, pair, source));
  }
  return rules;
}

/**
 * On shutdown the apps stop first, then the sidecars in reverse manifest order. `gapFor(sidecar)`
 * gives the bounds for the gap between the previous container's exit and this sidecar's exit.
 */
export function reverseShutdownRules(
  timeline: Timeline,
  shape: PodShape,
  gapFor: (sidecar: string) => GapBounds,
): AssertionResult[] {
  const reversed = [...shape.sidecars].reverse();
  // The first sidecar stop is measured from the app that exited last.
  const exitNs = (app: string) => exitOf(timeline, app)?.ns ?? -1n;
  const lastApp = shape.apps.reduce((latest, app) => (exitNs(app) > exitNs(latest) ? app : latest));
  const rules: AssertionResult[] = [];
  for (const app of shape.apps) rules.push(exitsBefore(timeline, app, reversed[0] as string));
  let previous = lastApp;
  for (const sidecar of reversed) {
    rules.push(gapBetween(timeline, previous, sidecar, gapFor(sidecar)));
    previous = sidecar;
  }
  return rules;
}

/** Bounds for the seed's sidecars: exactly their SIGTERM delay, plus the tolerance. */
export function delayBounds(delayMs: number, toleranceMs: number): GapBounds {
  return { minMs: delayMs, maxMs: delayMs + toleranceMs };
}
