import { hookEndsBeforeSigterm, hookLifetime, sigtermAfterHook } from '../../assert/hooks.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { CONTAINERS, graceRowRules } from './grace-rules.js';

/** The manifest's grace period, upstream's; once a hook spent it the kubelet still allows 2 s. */
export const GRACE_SECONDS = 5;
const KILL_WINDOW_MS = 2000;
/** The slow hook lives until its container is killed: grace + 2 s, give or take upstream's 1.5 s (C17). */
export const HOOK_LIFETIME_MS = GRACE_SECONDS * 1000 + KILL_WINDOW_MS;
export const LIFETIME_TOLERANCE_MS = 1500;
/** The hook's first line comes a little after the kubelet started it (and its grace clock). */
export const HOOK_START_LAG_MS = 1000;

const SLOW = 'restartable-init-2';
const HOOK = { start: /preStop start/, end: /preStop end/ };

/**
 * Upstream C26: a sidecar whose preStop hook outlasts the grace period spends the whole budget in
 * the hook, gets the minimum 2 s and is killed (137); the others' 1 s hooks end before their
 * SIGTERM and they exit 0. The Pod ends Succeeded: a sidecar's exit code never decides the phase.
 */
export const sidecarPrestopExceedsGraceSucceeds: Scenario = {
  name: 'sidecar-prestop-exceeds-grace-succeeds',
  suite: 'upstream',
  title:
    'A sidecar whose preStop hook outlasts the 5 s grace period is killed (137), yet the Pod ends Succeeded; the other containers exit 0',
  manifest: 'manifests/upstream/sidecar-prestop-exceeds-grace-succeeds.yaml',
  upstream: {
    row: 'C26',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'The restartable init containers have exceeded its termination grace period seconds by prestop hook: should mark pod as succeeded if any of the prestop hook in restartable init containers have exceeded its termination grace period seconds',
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
        phase: 'Succeeded',
        codes: { 'restartable-init-1': 0, [SLOW]: 137, 'restartable-init-3': 0, 'regular-1': 0 },
      }),
      sigtermAfterHook(timeline, {
        container: SLOW,
        start: /preStop start/,
        sigterm: /got SIGTERM/,
        minMs: GRACE_SECONDS * 1000 - HOOK_START_LAG_MS,
        maxMs: GRACE_SECONDS * 1000 + settings.shutdownToleranceMs,
      }),
      hookLifetime(timeline, {
        container: SLOW,
        start: HOOK.start,
        until: 'exit',
        minMs: HOOK_LIFETIME_MS - LIFETIME_TOLERANCE_MS,
        maxMs: HOOK_LIFETIME_MS + LIFETIME_TOLERANCE_MS,
      }),
      ...['restartable-init-1', 'restartable-init-3'].map((container) =>
        hookEndsBeforeSigterm(timeline, { container, ...HOOK, sigterm: /got SIGTERM/ }),
      ),
    ];
  },
};
