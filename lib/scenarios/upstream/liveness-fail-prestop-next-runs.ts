import { hookEndsBeforeSigterm } from '../../assert/hooks.js';
import { restartsWithin } from '../../assert/lifecycle.js';
import { hasEvent, startsBefore } from '../../assert/vocabulary.js';
import { waitRestarts } from '../drive.js';
import type { Scenario } from '../scenario.js';

const SIDECAR = 'restartable-init-1';
const APP = 'regular-1';
/** Upstream waits up to 2 min each for the sidecar's second restart and the app's first. */
export const SIDECAR_RESTARTS = 2;
export const WITHIN_MS = 120_000;

/**
 * Upstream C10: a sidecar failing its livenessProbe is killed, preStop hook first, and restarted;
 * unlike a startup failure this does not hold back the app, which starts and (restartPolicy Always)
 * is restarted whenever it exits.
 */
export const livenessFailPrestopNextRuns: Scenario = {
  name: 'liveness-fail-prestop-next-runs',
  suite: 'upstream',
  title:
    'A sidecar failing its livenessProbe is restarted, its preStop hook run before each SIGTERM, while the app starts and runs (and restarts)',
  manifest: 'manifests/upstream/liveness-fail-prestop-next-runs.yaml',
  upstream: {
    row: 'C10',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: "running restartable init containers with liveness probes: should call the container's preStop hook and start the next container if the restartable init container's liveness probe fails",
  },
  async drive(context) {
    await waitRestarts(context, SIDECAR, SIDECAR_RESTARTS);
    await waitRestarts(context, APP, 1);
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: SIDECAR, atLeast: SIDECAR_RESTARTS, withinMs: WITHIN_MS }),
      restartsWithin(timeline, { container: APP, atLeast: 1, withinMs: WITHIN_MS }),
      hasEvent(timeline, { reason: 'Killing', container: SIDECAR, message: /failed liveness probe/ }),
      hookEndsBeforeSigterm(timeline, {
        container: SIDECAR,
        start: /preStop start/,
        end: /preStop end/,
        sigterm: /got SIGTERM/,
        atLeast: SIDECAR_RESTARTS,
      }),
      startsBefore(timeline, { first: SIDECAR, then: APP }),
    ];
  },
};
