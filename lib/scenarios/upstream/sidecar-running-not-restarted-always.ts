import { neverRestarted, podStaysIn, restartsWithin } from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream waits for the app to restart twice, within two minutes. */
export const APP_RESTARTS = 2;
export const RESTARTS_WITHIN_MS = 2 * 60_000;

/**
 * Upstream C2 under restartPolicy Always: the app's every exit (0) restarts it, the sidecar beside it
 * keeps running and is never restarted, and the Pod keeps running.
 */
export const sidecarRunningNotRestartedAlways: Scenario = {
  name: 'sidecar-running-not-restarted-always',
  suite: 'upstream',
  title:
    'Under restartPolicy Always the app is restarted again and again (≥ 2) while the sidecar beside it runs on, never restarted',
  manifest: 'manifests/upstream/sidecar-running-not-restarted-always.yaml',
  upstream: {
    row: 'C2',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Always: a restartable init container runs continuously',
  },
  async drive(context) {
    await waitRunning(context, { running: ['restartable-init-1'] });
    await waitRestarts(context, 'regular-1', APP_RESTARTS);
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, {
        container: 'regular-1',
        atLeast: APP_RESTARTS,
        withinMs: RESTARTS_WITHIN_MS,
      }),
      neverRestarted(timeline, { container: 'restartable-init-1' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
