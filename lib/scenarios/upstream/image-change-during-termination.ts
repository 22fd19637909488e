import { goneWithin } from '../../assert/deletion.js';
import {
  neverRestarted,
  noEventAfter,
  noStartAfter,
  patchedWhileTerminating,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE_B } from '../../config.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImageWhileTerminating } from './mutation-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-2';
const SIDECARS = [CHANGED, 'restartable-init-3'];
/** The delete request's grace period (upstream: 180 s, also the Pod's own) and each container's stop after SIGTERM. */
export const GRACE_SECONDS = 180;
export const STOP_MS = 10_000;
/**
 * Upstream watches 2 × the stop time (20 s) for restarts: the app's and restartable-init-3's stops,
 * while the changed sidecar still runs.
 */
export const WATCHED_MS = 2 * STOP_MS;
/**
 * Between the containers running and the delete: their starts are known to whole seconds only (the
 * status), and a start in the delete's second cannot be told from a restart after it.
 */
export const SETTLE_MS = 2000;
/** Upstream: restartable-init-2's stop + 60 s. It counts from the end of its 20 s watch; we count from the delete. */
export const BUFFER_MS = 60_000;

/**
 * Upstream C15 under restartPolicy Always, as Kubernetes behaves today: a sidecar whose image is
 * patched after the Pod was deleted (grace 180 s) is not restarted for it while the Pod terminates,
 * nor is any other init container; the containers stop in turn and the Pod is gone long before its grace
 * period ends. Upstream marks the check `FIXME … KEP 4438`: expected to change when KEP-4438
 * (SidecarsRestartableDuringPodTermination) lands, when the kubelet would restart the sidecar with
 * its new image during termination.
 */
export const imageChangeDuringTermination: Scenario = {
  name: 'image-change-during-termination',
  suite: 'upstream',
  title:
    'A sidecar whose image is patched while its Pod terminates (restartPolicy Always, grace 180 s) is not restarted for it, nor is any init container; the Pod is gone within 70 s of the delete (today’s behaviour, expected to change with KEP-4438 SidecarsRestartableDuringPodTermination)',
  manifest: 'manifests/upstream/image-change-during-termination.yaml',
  upstream: {
    row: 'C15',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A restartable init container has its image updated during pod termination: should terminate gracefully when restartPolicy=Always (FIXME KEP 4438: expected to change)',
  },
  async drive(context) {
    await waitRunning(context, { running: [...SIDECARS, 'regular-1'] });
    await observeFor(context, SETTLE_MS, 'so every start lies in an earlier whole second than the delete');
    await patchImageWhileTerminating(context, CHANGED, TEST_IMAGE_B, GRACE_SECONDS);
  },
  rules(timeline) {
    return [
      patchedWhileTerminating(timeline, { patch: 'image' }),
      noEventAfter(timeline, {
        reason: 'Killing',
        container: CHANGED,
        message: /definition changed/,
        after: 'delete',
        minWindowMs: WATCHED_MS,
      }),
      ...SIDECARS.map((container) => noStartAfter(timeline, { container, after: 'delete' })),
      ...['init-1', ...SIDECARS].map((container) => neverRestarted(timeline, { container })),
      goneWithin(timeline, {
        withinMs: STOP_MS + BUFFER_MS,
        basis: `${CHANGED}'s ${STOP_MS / 1000} s stop + ${BUFFER_MS / 1000} s, against a ${GRACE_SECONDS} s grace period`,
      }),
    ];
  },
};
