import { hasEvent, neverReadyFor, notRestartedFor, readyCountIs } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { observeFor } from './probe-steps.js';

/** Upstream's Consistently: a minute, not scaled. */
export const WINDOW_MS = 60_000;
const CONTAINERS = ['test-webserver', 'busybox', 'main'];

/**
 * Upstream P2, both Its in one Pod: a sidecar serving HTTP (agnhost test-webserver) whose http
 * readiness probe GETs a port nothing listens on, and one whose exec readiness probe outlives its
 * timeout, are never ready over a minute, so neither is the Pod; nothing restarts.
 */
export const sidecarReadinessFailing: Scenario = {
  name: 'sidecar-readiness-failing',
  suite: 'upstream',
  title:
    'Sidecars failing their readiness probe (http to a port nothing serves, on agnhost; exec past its 1 s timeout) are never ready over a minute, nor is the Pod (READY 1/3); nothing restarts',
  manifest: 'manifests/upstream/sidecar-readiness-failing.yaml',
  upstream: {
    row: 'P2',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: with readiness probe that fails should never be ready and never restart; should not be ready with an exec readiness probe timeout',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    await observeFor(context, WINDOW_MS, 'the sidecars must not turn ready nor restart');
  },
  rules(timeline) {
    return [
      neverReadyFor(timeline, { container: 'test-webserver', forMs: WINDOW_MS }),
      neverReadyFor(timeline, { container: 'busybox', forMs: WINDOW_MS }),
      hasEvent(timeline, {
        reason: 'Unhealthy',
        container: 'test-webserver',
        message: /Readiness probe failed: .*:81\/.*connection refused/,
      }),
      hasEvent(timeline, {
        reason: 'Unhealthy',
        container: 'busybox',
        message: /Readiness probe .*timed out/,
      }),
      readyCountIs(timeline, { containers: CONTAINERS, ready: 1 }),
      ...CONTAINERS.map((container) => notRestartedFor(timeline, { container, forMs: WINDOW_MS })),
    ];
  },
};
