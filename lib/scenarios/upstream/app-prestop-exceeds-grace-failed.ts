import { hookLifetime, sigtermAfterHook } from '../../assert/hooks.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { APP, CONTAINERS, graceRowRules } from './grace-rules.js';

/** The manifest's grace period, upstream's; once a hook spent it the kubelet still allows 2 s. */
export const GRACE_SECONDS = 5;
const KILL_WINDOW_MS = 2000;
/** The hook lives until its container is killed: grace + 2 s, give or take upstream's 1.5 s (C17). */
export const HOOK_LIFETIME_MS = GRACE_SECONDS * 1000 + KILL_WINDOW_MS;
export const LIFETIME_TOLERANCE_MS = 1500;
/** The hook's first line comes a little after the kubelet started it (and its grace clock). */
export const HOOK_START_LAG_MS = 1000;

/**
 * Upstream C25: an app whose preStop hook outlasts the grace period spends the whole budget in the
 * hook, then gets the minimum 2 s and is killed (137): the Pod ends Failed. The sidecars, waiting for
 * it until the budget was spent, then get 2 s: the quick ones exit 0, the slow one is killed.
 */
export const appPrestopExceedsGraceFailed: Scenario = {
  name: 'app-prestop-exceeds-grace-failed',
  suite: 'upstream',
  title:
    'An app whose preStop hook outlasts the 5 s grace period is killed (137) and the Pod ends Failed; the sidecars get 2 s: the quick ones exit 0, the slow one is killed',
  manifest: 'manifests/upstream/app-prestop-exceeds-grace-failed.yaml',
  upstream: {
    row: 'C25',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'The regular containers have exceeded its termination grace period seconds by prestop hook: should mark pod as failed if any of the prestop hook in regular container has exceeded its termination grace period seconds',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    await deleteAndWaitGone(context);
  },
  rules(timeline, _shape, settings) {
    return [
      ...graceRowRules(timeline, {
        graceSeconds: GRACE_SECONDS,
        toleranceMs: settings.shutdownToleranceMs,
        phase: 'Failed',
        codes: { 'restartable-init-1': 0, 'restartable-init-2': 137, 'restartable-init-3': 0, [APP]: 137 },
      }),
      sigtermAfterHook(timeline, {
        container: APP,
        start: /preStop start/,
        sigterm: /got SIGTERM/,
        minMs: GRACE_SECONDS * 1000 - HOOK_START_LAG_MS,
        maxMs: GRACE_SECONDS * 1000 + settings.shutdownToleranceMs,
      }),
      hookLifetime(timeline, {
        container: APP,
        start: /preStop start/,
        until: 'exit',
        minMs: HOOK_LIFETIME_MS - LIFETIME_TOLERANCE_MS,
        maxMs: HOOK_LIFETIME_MS + LIFETIME_TOLERANCE_MS,
      }),
    ];
  },
};
