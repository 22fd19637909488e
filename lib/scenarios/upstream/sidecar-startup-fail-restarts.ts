import {
  hasEvent,
  hasRestarted,
  neverReportsStarted,
  neverStarts,
  noEvent,
  podStaysIn,
} from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream expects one restart (RunSidecarLivenessTest with 1). */
export const STARTUP_RESTARTS = 1;

/**
 * Upstream P6: a sidecar whose startup probe (exec `false`) never passes is killed for it and
 * restarted, though its liveness probe (exec `true`) would pass; the app waits for it, never starts.
 */
export const sidecarStartupFailRestarts: Scenario = {
  name: 'sidecar-startup-fail-restarts',
  suite: 'upstream',
  title:
    'A sidecar failing its exec startup probe is killed for it and restarted though its exec liveness probe passes; the app never starts, the Pod stays Pending',
  manifest: 'manifests/upstream/sidecar-startup-fail-restarts.yaml',
  upstream: {
    row: 'P6',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should be restarted startup probe fails',
  },
  async drive(context) {
    await waitRunning(context, { running: ['sidecar'] });
    await waitRestarts(context, 'sidecar', STARTUP_RESTARTS);
  },
  rules(timeline) {
    return [
      hasRestarted(timeline, { container: 'sidecar', atLeast: STARTUP_RESTARTS }),
      hasEvent(timeline, { reason: 'Unhealthy', container: 'sidecar', message: /Startup probe failed/ }),
      hasEvent(timeline, { reason: 'Killing', container: 'sidecar', message: /failed startup probe/ }),
      noEvent(timeline, { reason: 'Killing', container: 'sidecar', message: /failed liveness probe/ }),
      neverReportsStarted(timeline, { container: 'sidecar' }),
      neverStarts(timeline, { container: 'app' }),
      podStaysIn(timeline, { phase: 'Pending' }),
    ];
  },
};
