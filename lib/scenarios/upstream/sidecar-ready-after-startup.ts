import { neverRestarted, podReadyIs, readyWithinAfterStartup } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream's bound, below the sidecar's 30 s readiness period. */
export const READY_WITHIN_MS = 25_000;

/**
 * Upstream P8: once a sidecar's exec startup probe passes, its exec readiness probe (every 30 s)
 * runs at once: the sidecar is Ready within 25 s, not at the next period.
 */
export const sidecarReadyAfterStartup: Scenario = {
  name: 'sidecar-ready-after-startup',
  suite: 'upstream',
  title:
    'A sidecar with a 30 s exec readiness probe is ready within 25 s of passing its exec startup probe (32 s in), the Pod Ready',
  manifest: 'manifests/upstream/sidecar-ready-after-startup.yaml',
  upstream: {
    row: 'P8',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should be ready immediately after startupProbe succeeds',
  },
  async drive(context) {
    await waitRunning(context, { ready: ['sidecar', 'app'] });
  },
  rules(timeline) {
    return [
      readyWithinAfterStartup(timeline, { container: 'sidecar', withinMs: READY_WITHIN_MS }),
      podReadyIs(timeline, { ready: true }),
      neverRestarted(timeline, { container: 'sidecar' }),
    ];
  },
};
