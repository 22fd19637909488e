import { neverReportsStarted } from '../../assert/gating.js';
import { hookEndsBeforeSigterm } from '../../assert/hooks.js';
import { neverStarts, restartsWithin } from '../../assert/lifecycle.js';
import { hasEvent, podStaysIn } from '../../assert/vocabulary.js';
import { waitRestarts } from '../drive.js';
import type { Scenario } from '../scenario.js';

const SIDECAR = 'restartable-init-1';
/** Upstream waits up to 2 min for the sidecar's second restart. */
export const RESTARTS = 2;
export const RESTARTS_WITHIN_MS = 120_000;

/**
 * Upstream C8: a sidecar whose startupProbe fails is killed like any container, preStop hook first,
 * and restarted (restartPolicy Always); it never reports started, so the app is never created and
 * the Pod never leaves Pending.
 */
export const startupFailPrestopBlocks: Scenario = {
  name: 'startup-fail-prestop-blocks',
  suite: 'upstream',
  title:
    'A sidecar failing its startupProbe is restarted again and again, its preStop hook run before each SIGTERM; the app never starts, the Pod stays Pending',
  manifest: 'manifests/upstream/startup-fail-prestop-blocks.yaml',
  upstream: {
    row: 'C8',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: "using a PreStop hook: should call the container's preStop hook and not launch next container if the restartable init container's startup probe fails",
  },
  async drive(context) {
    await waitRestarts(context, SIDECAR, RESTARTS);
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: SIDECAR, atLeast: RESTARTS, withinMs: RESTARTS_WITHIN_MS }),
      hasEvent(timeline, { reason: 'Killing', container: SIDECAR, message: /failed startup probe/ }),
      hookEndsBeforeSigterm(timeline, {
        container: SIDECAR,
        start: /preStop start/,
        end: /preStop end/,
        sigterm: /got SIGTERM/,
        atLeast: RESTARTS,
      }),
      neverReportsStarted(timeline, { container: SIDECAR }),
      neverStarts(timeline, { container: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Pending' }),
    ];
  },
};
