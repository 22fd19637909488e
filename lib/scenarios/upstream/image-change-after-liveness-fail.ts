import {
  hasEvent,
  imageChange,
  neverRestarted,
  podStaysIn,
  restartsAfterPatch,
  restartsWithin,
  startsBefore,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage, waitPulled } from './mutation-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-2';
/** Upstream waits 2 minutes for the first liveness restart, and 2 more for the next. */
export const LIVENESS_RESTART_WITHIN_MS = 2 * 60_000;
export const RUNNING_AGAIN_WITHIN_MS = 2 * 60_000;
/** After the new image's instance started, keep watching this long for restarts of the others. */
export const WATCH_AFTER_MS = 3000;

/**
 * Upstream C14 under restartPolicy Never: a sidecar its failing liveness probe has restarted gets
 * a new image; it runs again from that image (its probe keeps failing, so it may restart more),
 * and neither the other sidecar nor the app is ever restarted.
 */
export const imageChangeAfterLivenessFail: Scenario = {
  name: 'image-change-after-liveness-fail',
  suite: 'upstream',
  title:
    'A sidecar its failing liveness probe restarted runs again from a patched image; the other sidecar and the app are never restarted',
  manifest: 'manifests/upstream/image-change-after-liveness-fail.yaml',
  upstream: {
    row: 'C14',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A restartable init container has its image changed after its liveness probe fails: should update the image when restartPolicy=Never',
  },
  async drive(context) {
    await waitRestarts(context, CHANGED, 1);
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitPulled(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 2);
    await observeFor(context, WATCH_AFTER_MS, 'the others must not restart');
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: CHANGED, atLeast: 1, withinMs: LIVENESS_RESTART_WITHIN_MS }),
      hasEvent(timeline, { reason: 'Killing', container: CHANGED, message: /failed liveness probe/ }),
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        orMore: true,
        withinMs: RUNNING_AGAIN_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
      startsBefore(timeline, { first: CHANGED, then: 'regular-1' }),
      neverRestarted(timeline, { container: 'restartable-init-1' }),
      neverRestarted(timeline, { container: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
