import { expect } from 'vitest';
import type { AssertionResult } from '../assert/result.js';
import { shutdownStart } from '../assert/termination.js';
import { runSettings } from '../run/settings.js';
import { addRecord, endNs, patchRecords, where } from './mutate.js';
import { expectBroken, exitRecord, moveRecord, rulesWith } from './scenario-check.js';
import { msToNs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { APP } from '../scenarios/upstream/grace-rules.js';

/**
 * Mutations the four grace-period rows (C23–C26) share, each breaking one of graceRowRules: the
 * phase, an exit code, the shutdown budget, the stop at the budget's end.
 */

const MINIMUM_KILL_WINDOW_MS = 2000;

/** When the kubelet began stopping the Pod, as the rules read it. */
export const startNs = (timeline: Timeline): bigint => shutdownStart(timeline, { apps: [APP] })!.ns;

/** The container's exit (runtime) moved to `ms` after the shutdown began. */
export const exitAt = (timeline: Timeline, container: string, ms: number): Timeline =>
  moveRecord(timeline, exitRecord(timeline, container), startNs(timeline) + msToNs(ms));

export const budgetRule = (graceSeconds: number) =>
  `the Pod's shutdown ends within its ${graceSeconds} s grace period + 2 s + ${runSettings().shutdownToleranceMs} ms`;

export const expiryRule = (results: AssertionResult[]): string =>
  results.find((r) => /grace period ran out/.test(r.rule))?.rule ?? 'no grace expiry rule';

/** The last phase observed is `phase`. */
export function endsIn(timeline: Timeline, phase: string): Timeline {
  return addRecord(timeline, {
    source: 'status',
    kind: 'pod-phase',
    reason: phase,
    ns: endNs(timeline) + 1_000_000n,
  });
}

/** The status reports `container` with another exit code (the runtime's records untouched). */
export function statusExit(timeline: Timeline, container: string, exitCode: number): Timeline {
  return patchRecords(timeline, where({ kind: 'terminated', source: 'status', container }), {
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
  });
}

/**
 * restartable-init-1's exit moved to grace + 2 s + tolerance + 1 s after the (whole-second) Killing
 * event that began the shutdown: beyond the budget even if the shutdown began at the end of that
 * second, and just at the limit the grace-expiry report allows (the same second of slack).
 */
export function overBudget(timeline: Timeline, graceSeconds: number): Timeline {
  const ms = graceSeconds * 1000 + MINIMUM_KILL_WINDOW_MS + runSettings().shutdownToleranceMs + 1000;
  return exitAt(timeline, 'restartable-init-1', ms);
}

/** Exactly the rule matching `rule` fails, and its explanation names `names` with times. */
export function onlyBroken(results: AssertionResult[], rule: string, names: string[]): AssertionResult {
  expect(rulesWith(results)).toEqual([rule]);
  return expectBroken(results, rule, names);
}
