import { neverRestarted, podReadyIs, podReadyNotBefore } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** The readiness probe's initialDelaySeconds (upstream's probeTestInitialDelaySeconds), not scaled. */
export const INITIAL_DELAY_MS = 15_000;

/**
 * Upstream P1: a sidecar serving HTTP (agnhost test-webserver) whose readiness probe waits 15 s
 * first: the Pod turns Ready, but no earlier than 15 s after the sidecar started, and nothing restarts.
 */
export const sidecarReadinessInitialDelay: Scenario = {
  name: 'sidecar-readiness-initial-delay',
  suite: 'upstream',
  title:
    'A sidecar serving HTTP (agnhost) with a 15 s initial delay on its http readiness probe: the Pod turns Ready, no earlier than 15 s after the sidecar started; nothing restarts',
  manifest: 'manifests/upstream/sidecar-readiness-initial-delay.yaml',
  upstream: {
    row: 'P1',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: with readiness probe should not be ready before initial delay and never restart',
  },
  async drive(context) {
    await waitRunning(context, { ready: ['test-webserver', 'main'] });
  },
  rules(timeline) {
    return [
      podReadyNotBefore(timeline, { container: 'test-webserver', delayMs: INITIAL_DELAY_MS }),
      podReadyIs(timeline, { ready: true }),
      neverRestarted(timeline, { container: 'test-webserver' }),
      neverRestarted(timeline, { container: 'main' }),
    ];
  },
};
