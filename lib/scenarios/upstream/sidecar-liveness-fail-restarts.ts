import { firstEventNotBefore, hasEvent, hasRestarted, neverRestarted } from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** The liveness probe's initialDelaySeconds, upstream's, not scaled. */
export const INITIAL_DELAY_MS = 15_000;

/**
 * Upstream P3 (the /healthz http It): agnhost liveness answers 200 for 10 s, then 500; the
 * sidecar's http liveness probe, from 15 s on, fails at its first run: the kubelet kills the sidecar
 * for it and starts it again; the app is not restarted.
 */
export const sidecarLivenessFailRestarts: Scenario = {
  name: 'sidecar-liveness-fail-restarts',
  suite: 'upstream',
  title:
    "A sidecar whose /healthz (agnhost liveness) turns 500 after 10 s fails its http liveness probe, not before the probe's 15 s initial delay, and is killed for it and restarted; the app is not",
  manifest: 'manifests/upstream/sidecar-liveness-fail-restarts.yaml',
  upstream: {
    row: 'P3',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should be restarted with a /healthz http liveness probe',
  },
  async drive(context) {
    await waitRunning(context, { running: ['sidecar', 'main'] });
    await waitRestarts(context, 'sidecar', 1);
  },
  rules(timeline) {
    return [
      hasRestarted(timeline, { container: 'sidecar', atLeast: 1 }),
      hasEvent(timeline, {
        reason: 'Unhealthy',
        container: 'sidecar',
        message: /Liveness probe failed: HTTP probe failed with statuscode: 500/,
      }),
      hasEvent(timeline, { reason: 'Killing', container: 'sidecar', message: /failed liveness probe/ }),
      firstEventNotBefore(timeline, {
        container: 'sidecar',
        reason: 'Unhealthy',
        message: /Liveness probe failed/,
        delayMs: INITIAL_DELAY_MS,
      }),
      neverRestarted(timeline, { container: 'main' }),
    ];
  },
};
