import {
  hasEvent,
  neverRestarted,
  restartCountNeverDecreases,
  restartsWithin,
} from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/**
 * Upstream waits for 5 restarts (up to 2 + 4 + 8 minutes). Measured on v1.37.2: a sidecar killed
 * for its liveness probe is started again at once 4 times (every 20 s), then the kubelet backs off
 * ("Back-off restarting failed container") and the 5th restart comes 55 s later, 155 s after the
 * apply. 4 keep the scenario under 2.5 minutes: about 80 s, bounded here by 120 s.
 */
export const RESTARTS = 4;
export const WITHIN_MS = 120_000;

/**
 * Upstream P5: agnhost liveness' /healthz turns 500 10 s into every instance, so the sidecar's http
 * liveness probe gets it killed and restarted again and again; its restart count only grows.
 */
export const sidecarLivenessMonotonic: Scenario = {
  name: 'sidecar-liveness-monotonic',
  suite: 'upstream',
  title:
    'A sidecar whose /healthz (agnhost liveness) turns 500 10 s into each instance is restarted by its http liveness probe again and again (4 times), its restart count never decreasing; the app is not restarted',
  manifest: 'manifests/upstream/sidecar-liveness-monotonic.yaml',
  upstream: {
    row: 'P5',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should have monotonically increasing restart count',
  },
  async drive(context) {
    await waitRunning(context, { running: ['sidecar', 'main'] });
    await waitRestarts(context, 'sidecar', RESTARTS);
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: 'sidecar', atLeast: RESTARTS, withinMs: WITHIN_MS }),
      restartCountNeverDecreases(timeline, { container: 'sidecar' }),
      hasEvent(timeline, { reason: 'Killing', container: 'sidecar', message: /failed liveness probe/ }),
      neverRestarted(timeline, { container: 'main' }),
    ];
  },
};
