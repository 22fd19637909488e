import type { AssertionResult } from '../../assert/result.js';
import { graceExpiryReport, reverseShutdownOrder, shutdownWithinBudget } from '../../assert/termination.js';
import { podPhaseIs, terminatedWith } from '../../assert/vocabulary.js';
import type { Timeline } from '../../timeline/timeline.js';

/**
 * What the upstream termination rows (C17, C23–C26) check in common: the Pod's phase and every
 * container's last exit code, and the kubelet's grace budget (lib/assert/termination.ts): the
 * shutdown ends within grace + 2 s, the containers the budget's end stopped are stopped together,
 * and the others in reverse order.
 */

export const SIDECARS = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3'];
export const APP = 'regular-1';
export const CONTAINERS = [...SIDECARS, APP];

/** The exit code upstream expects of each container: 0 Completed, anything else Error. */
export function exitCodesAre(timeline: Timeline, codes: Record<string, number>): AssertionResult[] {
  return Object.entries(codes).map(([container, exitCode]) =>
    terminatedWith(timeline, { container, reason: exitCode === 0 ? 'Completed' : 'Error', exitCode }),
  );
}

export interface GraceRowOptions {
  graceSeconds: number;
  toleranceMs: number;
  phase: 'Succeeded' | 'Failed';
  codes: Record<string, number>;
}

/** Phase, exit codes, reverse order where the budget allowed one, and the budget itself. */
export function graceRowRules(timeline: Timeline, options: GraceRowOptions): AssertionResult[] {
  const grace = { graceSeconds: options.graceSeconds, containers: CONTAINERS, apps: [APP] };
  return [
    podPhaseIs(timeline, { phase: options.phase }),
    ...exitCodesAre(timeline, options.codes),
    ...reverseShutdownOrder(timeline, { ...grace, sidecars: SIDECARS }),
    shutdownWithinBudget(timeline, { ...grace, toleranceMs: options.toleranceMs }),
    graceExpiryReport(timeline, { ...grace, toleranceMs: options.toleranceMs }),
  ];
}
