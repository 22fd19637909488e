import {
  hasEvent,
  imageChange,
  neverRestarted,
  podStaysIn,
  restartsAfterPatch,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage } from './mutation-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-1';
/** Upstream waits 2 minutes for the changed sidecar to run again. */
export const RUNNING_AGAIN_WITHIN_MS = 2 * 60_000;
/** After the restart, keep watching this long for restarts of the others that must not come. */
export const WATCH_AFTER_MS = 3000;

/**
 * Upstream C11 under restartPolicy Never: patching a running sidecar's image restarts that sidecar,
 * with the new image, and nothing else: the other sidecar and the app run on (kubernetes#121333:
 * the sidecar used not to be restarted at all; fixed by #126525).
 */
export const imageChangeRunningSidecar: Scenario = {
  name: 'image-change-running-sidecar',
  suite: 'upstream',
  title:
    'Patching a running sidecar’s image restarts that sidecar once, with the new image; the other sidecar and the app are not restarted',
  manifest: 'manifests/upstream/image-change-running-sidecar.yaml',
  upstream: {
    row: 'C11',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Never: a restartable init container runs continuously: should restart when updated with a new image',
  },
  async drive(context) {
    await waitRunning(context, { running: [CHANGED, 'restartable-init-2', 'regular-1'] });
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 1);
    await waitRunning(context, { running: [CHANGED] });
    await observeFor(context, WATCH_AFTER_MS, 'the others must not restart');
  },
  rules(timeline) {
    return [
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        withinMs: RUNNING_AGAIN_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
      hasEvent(timeline, { reason: 'Killing', container: CHANGED, message: /definition changed/ }),
      neverRestarted(timeline, { container: 'restartable-init-2' }),
      neverRestarted(timeline, { container: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
