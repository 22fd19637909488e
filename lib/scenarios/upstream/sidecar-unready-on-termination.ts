import { podUnreadyBeforeExit, podUnreadyWithin, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/**
 * The app exits at once on SIGTERM and the sidecar's readiness probe runs every second: the Pod is
 * unready within seconds (2.0 and 3.0 s measured here on 2 busy cores, most of it the kubelet taking
 * up the delete), well inside the 10 s the sidecar then spends in its SIGTERM handler.
 */
export const UNREADY_WITHIN_MS = 10_000;

/** Upstream P10: once the Pod is deleted, its Ready condition turns False while it still terminates. */
export const sidecarUnreadyOnTermination: Scenario = {
  name: 'sidecar-unready-on-termination',
  suite: 'upstream',
  title:
    'After the delete the Pod turns unready within 10 s, while its sidecar (exec readiness probe, 10 s SIGTERM handler) still runs',
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
