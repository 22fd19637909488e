import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { CONTAINERS, graceRowRules } from './grace-rules.js';

/** The manifest's grace period, upstream's. */
export const GRACE_SECONDS = 5;

/**
 * Upstream C23: an app that outlasts the grace period is killed (137) and the Pod ends Failed; the
 * sidecars, waiting for it, get only the minimum 2 s once the budget is spent: the one that stops in
 * 1 s exits 0, the two that need 20 s are killed.
 */
export const appExceedsGracePodFailed: Scenario = {
  name: 'app-exceeds-grace-pod-failed',
  suite: 'upstream',
  title:
    'An app outlasting the 5 s grace period is killed (137) and the Pod ends Failed; the sidecars get 2 s: the quick one exits 0, the slow ones are killed',
  manifest: 'manifests/upstream/app-exceeds-grace-pod-failed.yaml',
  upstream: {
    row: 'C23',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'The regular container has exceeded its termination grace period seconds: should mark pod as failed if regular container has exceeded its termination grace period seconds',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    await deleteAndWaitGone(context);
  },
  rules(timeline, _shape, settings) {
    return graceRowRules(timeline, {
      graceSeconds: GRACE_SECONDS,
      toleranceMs: settings.shutdownToleranceMs,
      phase: 'Failed',
      codes: {
        'restartable-init-1': 137,
        'restartable-init-2': 0,
        'restartable-init-3': 137,
        'regular-1': 137,
      },
    });
  },
};
