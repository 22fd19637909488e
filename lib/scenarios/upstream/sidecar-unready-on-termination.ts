import { podUnreadyBeforeExit, podUnreadyWithin, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/**
 * The app exits at once on SIGTERM and the sidecar's readiness probe runs every second: the Pod is
 * unready within a few seconds, long before the sidecar's 10 s in termination are over.
 */
export const UNREADY_WITHIN_MS = 5000;

/** Upstream P10: once the Pod is deleted, its Ready condition turns False while it still terminates. */
export const sidecarUnreadyOnTermination: Scenario = {
  name: 'sidecar-unready-on-termination',
  suite: 'upstream',
  title:
    'After the delete the Pod turns unready within 5 s, while its sidecar (exec readiness probe, 10 s SIGTERM handler) still runs',
  manifest: 'manifests/upstream/sidecar-unready-on-termination.yaml',
  upstream: {
    row: 'P10',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should mark readiness on pods to false while pod is in progress of terminating',
  },
  async drive(context) {
    await waitRunning(context, { ready: ['sidecar', 'app'] });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      podUnreadyWithin(timeline, { after: 'delete', withinMs: UNREADY_WITHIN_MS }),
      podUnreadyBeforeExit(timeline, { after: 'delete', container: 'sidecar' }),
      terminatedWith(timeline, { container: 'sidecar', reason: 'Completed', exitCode: 0 }),
    ];
  },
};
