import { podPhaseIs, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/**
 * Upstream C21: a sidecar's exit code never decides the Pod's phase. Deleted, the Never Pod ends
 * Succeeded because its app exited 0, although restartable-init-2 exited 1 (Error).
 */
export const sidecarNonzeroExitPodSucceeds: Scenario = {
  name: 'sidecar-nonzero-exit-pod-succeeds',
  suite: 'upstream',
  title:
    'A sidecar that exits 1 on SIGTERM ends Error (exit code 1), yet the deleted Never Pod ends Succeeded; the others end Completed',
  manifest: 'manifests/upstream/sidecar-nonzero-exit-pod-succeeds.yaml',
  upstream: {
    row: 'C21',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'should mark pod as succeeded if any of the restartable init containers have terminated with non-zero exit code',
  },
  async drive(context) {
    await waitRunning(context, {
      running: ['restartable-init-1', 'restartable-init-2', 'restartable-init-3', 'regular-1'],
    });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      podPhaseIs(timeline, { phase: 'Succeeded' }),
      terminatedWith(timeline, { container: 'regular-1', reason: 'Completed', exitCode: 0 }),
      terminatedWith(timeline, { container: 'restartable-init-1', reason: 'Completed', exitCode: 0 }),
      terminatedWith(timeline, { container: 'restartable-init-2', reason: 'Error', exitCode: 1 }),
      terminatedWith(timeline, { container: 'restartable-init-3', reason: 'Completed', exitCode: 0 }),
    ];
  },
};
