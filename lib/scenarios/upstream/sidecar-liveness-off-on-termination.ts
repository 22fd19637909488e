import { neverRestarted, noEventAfter, noStartAfter, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** The app lingers 15 s after SIGTERM, the sidecar's liveness probe failing all along: watch at least 10 s of it. */
export const WATCHED_MS = 10_000;

/**
 * Upstream P11: while the Pod terminates (the app lingers 15 s in its SIGTERM handler), the sidecar's
 * exec liveness probe fails, yet it gets the sidecar neither killed ("failed liveness probe") nor
 * restarted.
 */
export const sidecarLivenessOffOnTermination: Scenario = {
  name: 'sidecar-liveness-off-on-termination',
  suite: 'upstream',
  title:
    'While the deleted Pod terminates, a sidecar whose exec liveness probe fails is not killed for it ("failed liveness probe") nor restarted: it ends by its own SIGTERM handler',
  manifest: 'manifests/upstream/sidecar-liveness-off-on-termination.yaml',
  upstream: {
    row: 'P11',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should mark readiness on pods to false and disable liveness probes while pod is in progress of terminating',
  },
  async drive(context) {
    await waitRunning(context, { ready: ['sidecar', 'app'] });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      noEventAfter(timeline, {
        reason: 'Killing',
        container: 'sidecar',
        message: /failed liveness probe/,
        after: 'delete',
        minWindowMs: WATCHED_MS,
      }),
      noStartAfter(timeline, { container: 'sidecar', after: 'delete' }),
      terminatedWith(timeline, { container: 'sidecar', reason: 'Completed', exitCode: 0 }),
      neverRestarted(timeline, { container: 'sidecar' }),
    ];
  },
};
