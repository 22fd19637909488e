import { hasEvent, neverRestarted, noEventAfter, noStartAfter } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import { waitCompleted, waitRunning } from '../drive.js';

/** The app's preStop hook logs this first (to the app's log). */
export const PRESTOP_STARTED = { container: 'app', log: /app: preStop started/ };
/** The sidecar's liveness probe fails from 3 s into the 12 s preStop; it then lives ~3 s more. */
export const WATCHED_MS = 9000;

/**
 * Upstream C27 (today's behaviour, FIXME KEP-4438): once the app's preStop hook has started (the Pod
 * ends because the app failed its exec liveness probe under restartPolicy Never), a failing exec
 * liveness probe of the sidecar gets it neither killed nor restarted.
 */
export const noProbeRestartInAppPrestop: Scenario = {
  name: 'no-probe-restart-in-app-prestop',
  suite: 'upstream',
  title:
    "Once the app's preStop hook runs (the app failed its exec liveness probe, restartPolicy Never), a failing exec liveness probe of the sidecar neither kills nor restarts it",
  manifest: 'manifests/upstream/no-probe-restart-in-app-prestop.yaml',
  upstream: {
    row: 'C27',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'a pod is terminating because its liveness probe fails: should continue running liveness probes for restartable init containers and restart them while in preStop (both expected to fail today)',
  },
  async drive(context) {
    await waitRunning(context, { running: ['sidecar', 'app'] });
    await waitCompleted(context);
  },
  rules(timeline) {
    return [
      hasEvent(timeline, { reason: 'Unhealthy', container: 'app', message: /Liveness probe failed/ }),
      noEventAfter(timeline, {
        reason: 'Killing',
        container: 'sidecar',
        message: /failed liveness probe/,
        after: PRESTOP_STARTED,
        minWindowMs: WATCHED_MS,
      }),
      noStartAfter(timeline, { container: 'sidecar', after: PRESTOP_STARTED }),
      neverRestarted(timeline, { container: 'sidecar' }),
    ];
  },
};
