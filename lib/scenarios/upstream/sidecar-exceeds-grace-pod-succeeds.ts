import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { CONTAINERS, graceRowRules } from './grace-rules.js';

/** The manifest's grace period, upstream's. */
export const GRACE_SECONDS = 5;

/**
 * Upstream C24: a sidecar that outlasts the grace period is killed (137), yet the Pod ends
 * Succeeded: a sidecar's exit code never decides the phase. The sidecar before it, waiting for its
 * turn, gets the minimum 2 s once the budget is spent and exits 0.
 */
export const sidecarExceedsGracePodSucceeds: Scenario = {
  name: 'sidecar-exceeds-grace-pod-succeeds',
  suite: 'upstream',
  title:
    'A sidecar outlasting the 5 s grace period is killed (137), yet the Pod ends Succeeded; the other containers exit 0',
  manifest: 'manifests/upstream/sidecar-exceeds-grace-pod-succeeds.yaml',
  upstream: {
    row: 'C24',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'The restartable init containers have exceeded its termination grace period seconds: should mark pod as succeeded if any of the restartable init containers have exceeded its termination grace period seconds',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    await deleteAndWaitGone(context);
  },
  rules(timeline, _shape, settings) {
    return graceRowRules(timeline, {
      graceSeconds: GRACE_SECONDS,
      toleranceMs: settings.shutdownToleranceMs,
      phase: 'Succeeded',
      codes: { 'restartable-init-1': 0, 'restartable-init-2': 137, 'restartable-init-3': 0, 'regular-1': 0 },
    });
  },
};
