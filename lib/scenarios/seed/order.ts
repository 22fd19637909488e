import { hasEvent } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { allContainers, reverseShutdownRules, sidecarStartRules } from '../sidecar-rules.js';

/** File 2's containers trap SIGTERM, sleep this long, print their name and exit 0. */
export const SIGTERM_DELAY_MS = 3000;

/** File 2: two sidecars and an app; the Pod is deleted. */
export const order: Scenario = {
  name: 'order',
  suite: 'seed',
  title: 'File 2: sidecars start in manifest order and stop in reverse order, 3 s apart',
  manifest: 'manifests/file2-sidecar-container-order-example.yaml',
  async drive(context) {
    await waitRunning(context, { running: ['first-sidecar', 'second-sidecar', 'app'] });
    await deleteAndWaitGone(context);
  },
  rules(timeline, shape, settings) {
    return [
      ...sidecarStartRules(timeline, shape),
      ...reverseShutdownRules(timeline, shape, {
        minMs: SIGTERM_DELAY_MS,
        maxMs: SIGTERM_DELAY_MS + settings.shutdownToleranceMs,
        // Each container prints its name as the last thing before it exits.
        announcedByLastLogLine: true,
      }),
      // The kubelet announces every stop at once; only the exits show the real order.
      ...allContainers(shape).map((container) => hasEvent(timeline, { reason: 'Killing', container })),
    ];
  },
};
