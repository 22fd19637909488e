import { startOrder, stopsAfter, terminatedWith } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Each sidecar of the manifest sleeps this long after SIGTERM, then exits 0. */
export const SIDECAR_STOP_MS = 5000;

const SIDECARS = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3'];

/**
 * Upstream C16: once the app has exited by itself, the kubelet stops the sidecars in reverse order,
 * each only after the one declared after it has exited. Upstream asserts the order; as each sidecar
 * is sent SIGTERM only then and takes 5 s to stop, each exit comes at least 5 s after the previous
 * one, and the gaps are reported.
 */
export const reverseOrderTermination: Scenario = {
  name: 'reverse-order-termination',
  suite: 'upstream',
  title:
    'After the app exits, three sidecars stop in reverse order (3 → 2 → 1), each at least its 5 s stop time after the one before, all ending Completed with exit code 0',
  manifest: 'manifests/upstream/reverse-order-termination.yaml',
  upstream: {
    row: 'C16',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A pod with restartable init containers is terminating: should terminate sidecars in reverse order after all main containers have exited',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline) {
    const gap = { minMs: SIDECAR_STOP_MS };
    return [
      ...startOrder(timeline, { order: [...SIDECARS, 'regular-1'] }),
      stopsAfter(timeline, { first: 'regular-1', then: 'restartable-init-3', ...gap }),
      stopsAfter(timeline, { first: 'restartable-init-3', then: 'restartable-init-2', ...gap }),
      stopsAfter(timeline, { first: 'restartable-init-2', then: 'restartable-init-1', ...gap }),
      ...SIDECARS.map((container) =>
        terminatedWith(timeline, { container, reason: 'Completed', exitCode: 0 }),
      ),
    ];
  },
};
