import {
  exitsBeforeStart,
  hasEvent,
  imageChange,
  neverRestarted,
  neverStarts,
  podStaysIn,
  restartsAfterPatch,
  startsBefore,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage } from './mutation-steps.js';
import { observeFor } from './probe-steps.js';
import { waitInitializing } from './termination-steps.js';

const CHANGED = 'restartable-init-1';
/** Upstream waits 1 minute for the changed sidecar to run again. */
export const RUNNING_AGAIN_WITHIN_MS = 60_000;
/** After the restart, keep watching this long for restarts and starts that must not come. */
export const WATCH_AFTER_MS = 3000;

/**
 * Upstream C12 under restartPolicy Always: while a plain init container declared after it still
 * runs, a sidecar whose image is patched restarts with the new image; the init container before it
 * (completed) and the running one are not restarted, and the containers after the running one stay
 * unstarted (the Pod stays Pending).
 */
export const imageChangeDuringInit: Scenario = {
  name: 'image-change-during-init',
  suite: 'upstream',
  title:
    'Patching a sidecar’s image while a later init container runs restarts that sidecar once, with the new image; the completed and the running init containers are not restarted, the later containers never start',
  manifest: 'manifests/upstream/image-change-during-init.yaml',
  upstream: {
    row: 'C12',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'initializing an init container after a restartable init container: Should begin initializing the pod, restartPolicy=Always',
  },
  async drive(context) {
    await waitInitializing(context, { running: [CHANGED, 'init-2'] });
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 1);
    await waitRunning(context, { running: [CHANGED] });
    await observeFor(context, WATCH_AFTER_MS, 'no other init container may restart, no later one start');
  },
  rules(timeline) {
    return [
      exitsBeforeStart(timeline, { first: 'init-1', then: CHANGED }),
      startsBefore(timeline, { first: CHANGED, then: 'init-2' }),
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        withinMs: RUNNING_AGAIN_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
      hasEvent(timeline, { reason: 'Killing', container: CHANGED, message: /definition changed/ }),
      neverRestarted(timeline, { container: 'init-1' }),
      neverRestarted(timeline, { container: 'init-2' }),
      neverStarts(timeline, { container: 'restartable-init-2' }),
      neverStarts(timeline, { container: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Pending' }),
    ];
  },
};
