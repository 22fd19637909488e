import {
  hasEvent,
  imageChange,
  neverReportsStarted,
  neverRestarted,
  neverStarts,
  podStaysIn,
  restartsAfterPatch,
  restartsWithin,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage, waitPulled } from './mutation-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-2';
/** Upstream waits 2 minutes for the first startup-probe restart, and 2 more for the next after the patch. */
export const STARTUP_RESTART_WITHIN_MS = 2 * 60_000;
export const RUNNING_AGAIN_WITHIN_MS = 2 * 60_000;
/**
 * Between the restart and the patch: starts are known to whole seconds only (the status), and a
 * start in the patch's second cannot be told to come before it. The probe's next run is 20 s away.
 */
export const SETTLE_MS = 2000;
/** After the new image's instance started, keep watching this long for restarts and starts that must not come. */
export const WATCH_AFTER_MS = 3000;

/**
 * Upstream C13 under restartPolicy Never: a sidecar whose startup probe never passes is restarted
 * for it even under Never (kubernetes#120234); once restarted it gets a new image and runs again
 * from that image (its probe keeps failing, so it may restart more). It never reports started, so
 * the app is never created, the Pod stays Pending, and the other sidecar is never restarted.
 * Seen on v1.37.2: the kubelet does not kill the unstarted sidecar for the patch (no Killing
 * "definition changed"); it makes the next instance, from the new image, when the startup probe
 * next kills it, ~17 s after the patch. Upstream's waits (2 min, then 30 s) allow for that.
 */
export const imageChangeAfterStartupFail: Scenario = {
  name: 'image-change-after-startup-fail',
  suite: 'upstream',
  title:
    'A sidecar its failing startup probe restarted (restartPolicy Never) runs again from a patched image; the app never starts, the Pod stays Pending, the other sidecar is never restarted',
  manifest: 'manifests/upstream/image-change-after-startup-fail.yaml',
  upstream: {
    row: 'C13',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: "the image is updated after the restartable init container's startup probe fails: should update the image when restartPolicy=Never",
  },
  async drive(context) {
    await waitRestarts(context, CHANGED, 1);
    await observeFor(
      context,
      SETTLE_MS,
      'so the restarted instance’s start lies in an earlier whole second than the patch',
    );
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitPulled(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 2);
    await observeFor(context, WATCH_AFTER_MS, 'the other sidecar must not restart, the app not start');
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, { container: CHANGED, atLeast: 1, withinMs: STARTUP_RESTART_WITHIN_MS }),
      hasEvent(timeline, { reason: 'Killing', container: CHANGED, message: /failed startup probe/ }),
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        orMore: true,
        withinMs: RUNNING_AGAIN_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
      neverReportsStarted(timeline, { container: CHANGED }),
      neverStarts(timeline, { container: 'regular-1' }),
      neverRestarted(timeline, { container: 'restartable-init-1' }),
      podStaysIn(timeline, { phase: 'Pending' }),
    ];
  },
};
