import { hasEvent, podPhaseIs, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

const CONTAINERS = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3', 'regular-1'];

/**
 * Upstream C22: a failing preStop hook does not change the container's exit code. Deleted, every
 * container exits 0 (Completed), restartable-init-2 too although its preStop hook exited 1, and the
 * Never Pod ends Succeeded.
 */
export const sidecarPrestopFailStillCompleted: Scenario = {
  name: 'sidecar-prestop-fail-still-completed',
  suite: 'upstream',
  title:
    'A sidecar whose preStop hook exits 1 still ends Completed with exit code 0, like the others, and the deleted Never Pod ends Succeeded',
  manifest: 'manifests/upstream/sidecar-prestop-fail-still-completed.yaml',
  upstream: {
    row: 'C22',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'should mark pod as succeeded if any of the restartable init containers have terminated with non-zero exit code by prestop hook',
  },
  async drive(context) {
    await waitRunning(context, { running: CONTAINERS });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      podPhaseIs(timeline, { phase: 'Succeeded' }),
      // The hook did fail: otherwise the exit codes below prove nothing.
      hasEvent(timeline, { reason: 'FailedPreStopHook', container: 'restartable-init-2' }),
      ...CONTAINERS.map((container) =>
        terminatedWith(timeline, { container, reason: 'Completed', exitCode: 0 }),
      ),
    ];
  },
};
