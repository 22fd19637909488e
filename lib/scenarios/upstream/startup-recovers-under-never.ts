import { reachesPhaseWithin, restartsWithin } from '../../assert/lifecycle.js';
import { startsAfterStartup } from '../../assert/startup.js';
import { readyCountIs } from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

const SIDECAR = 'buggy-restartable-init';
const APP = 'regular-container';
/** Upstream waits 90 s for the sidecar's restart and 120 s for the regular container to run. */
export const RESTART_WITHIN_MS = 90_000;
export const RUNNING_WITHIN_MS = 120_000;

/**
 * Upstream C9: under restartPolicy Never a sidecar that crashes once is restarted, its startupProbe
 * goes on probing the new instance, and once it passes the app starts (before kubernetes#133072 the
 * probe stopped after the first instance and the app never started).
 */
export const startupRecoversUnderNever: Scenario = {
  name: 'startup-recovers-under-never',
  suite: 'upstream',
  title:
    'Under restartPolicy Never a sidecar that exits 1 on its first run is restarted, its startupProbe passes on the new instance, and the app starts',
  manifest: 'manifests/upstream/startup-recovers-under-never.yaml',
  upstream: {
    row: 'C9',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A restartable init container with startup probe fails initially: should continue probing and allow regular container to start after the restartable init container recovers',
  },
  async drive(context) {
    await waitRestarts(context, SIDECAR, 1);
    await waitRunning(context, { ready: [SIDECAR, APP] });
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: SIDECAR, atLeast: 1, withinMs: RESTART_WITHIN_MS }),
      startsAfterStartup(timeline, { sidecar: SIDECAR, then: APP }),
      readyCountIs(timeline, { containers: [SIDECAR, APP], ready: 2 }),
      reachesPhaseWithin(timeline, { phase: 'Running', withinMs: RUNNING_WITHIN_MS }),
    ];
  },
};
