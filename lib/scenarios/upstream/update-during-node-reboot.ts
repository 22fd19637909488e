import {
  imageChange,
  podPhaseIs,
  restartsAfterPatch,
  startsAgainAfterNode,
} from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage, waitPulled } from './mutation-steps.js';
import { REBOOT_DISRUPTS } from './node-reboot-reinit-order.js';
import { rebootNode } from './node-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-2';
/** Upstream waits f.Timeouts.PodStart (5 minutes) for the app to run again after the reboot. */
export const AGAIN_WITHIN_MS = 5 * 60_000;
/** …and PodStart + 1 minute for the sidecar to have restarted with the new image. */
export const IMAGE_WITHIN_MS = 6 * 60_000;
/** After the new image's instance runs, keep watching this long, so the phase it ends in is seen. */
export const WATCH_AFTER_MS = 3000;

/**
 * Upstream C29: the Pod's sidecar image is patched right after a node reboot (kubelet stopped,
 * every pod sandbox stopped through the CRI, kubelet started). The app runs again (a reboot
 * restarts it), the Pod is Running, and the sidecar runs again from the new image.
 */
export const updateDuringNodeReboot: Scenario = {
  name: 'update-during-node-reboot',
  suite: 'upstream',
  title:
    'A sidecar’s image patched right after a node reboot: the app runs again, the Pod is Running, the sidecar runs again from the new image',
  manifest: 'manifests/upstream/update-during-node-reboot.yaml',
  upstream: {
    row: 'C29',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A node is rebooting and receives an update request: should handle an update during the node reboot',
  },
  requires: { nodeOperations: ['reboot-node'] },
  disruptive: REBOOT_DISRUPTS,
  async drive(context) {
    await waitRunning(context, { running: [CHANGED, 'regular-1'] });
    await rebootNode(context);
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, 'regular-1', 1);
    await waitPulled(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 1);
    await waitRunning(context, { running: [CHANGED, 'regular-1'] });
    await observeFor(context, WATCH_AFTER_MS, 'the Pod’s phase after the sidecar runs from the new image');
  },
  rules(timeline) {
    return [
      // "Waiting for the pod to be re-initialized and run": regular restartCount ≥ 1, Running.
      startsAgainAfterNode(timeline, {
        container: 'regular-1',
        operation: 'node reboot',
        withinMs: AGAIN_WITHIN_MS,
      }),
      podPhaseIs(timeline, { phase: 'Running' }),
      // "Ensuring the image got updated": the sidecar restarted, its image the new one.
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        orMore: true,
        withinMs: IMAGE_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
    ];
  },
};
