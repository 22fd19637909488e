import { imageChange, neverRestarted, podStaysIn, restartsAfterPatch } from '../../assert/vocabulary.js';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { patchImage, waitPulled } from './mutation-steps.js';
import { restartKubelet } from './node-steps.js';
import { observeFor } from './probe-steps.js';

const CHANGED = 'restartable-init-2';
/** Upstream waits f.Timeouts.PodStart + 1 minute for the sidecar to have restarted with the new image. */
export const IMAGE_WITHIN_MS = 6 * 60_000;
/** After the new image's instance runs, keep watching this long for restarts that must not come. */
export const WATCH_AFTER_MS = 5000;

/** Why a kubelet restart disturbs every Pod on the node. */
export const KUBELET_RESTART_DISRUPTS =
  'it restarts the node’s kubelet: no Pod on the node is looked after while it is down, and each is synced again when it is back';

/**
 * Upstream C30: the Pod's sidecar image is patched right after a kubelet restart (the sandboxes
 * stay up). The sidecar restarts, once, from the new image; the app is not restarted and the Pod
 * stays Running.
 */
export const updateDuringKubeletRestart: Scenario = {
  name: 'update-during-kubelet-restart',
  suite: 'upstream',
  title:
    'A sidecar’s image patched right after a kubelet restart: the sidecar restarts once from the new image, the app is not restarted, the Pod stays Running',
  manifest: 'manifests/upstream/update-during-kubelet-restart.yaml',
  upstream: {
    row: 'C30',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'A node is rebooting and receives an update request: should handle an update during the kubelet restart',
  },
  requires: { nodeOperations: ['restart-kubelet'] },
  disruptive: KUBELET_RESTART_DISRUPTS,
  async drive(context) {
    await waitRunning(context, { running: [CHANGED, 'regular-1'] });
    await restartKubelet(context);
    await patchImage(context, CHANGED, TEST_IMAGE_B);
    await waitPulled(context, CHANGED, TEST_IMAGE_B);
    await waitRestarts(context, CHANGED, 1);
    await waitRunning(context, { running: [CHANGED, 'regular-1'] });
    await observeFor(context, WATCH_AFTER_MS, 'the app must not restart');
  },
  rules(timeline) {
    return [
      // "Waiting for the pod to be re-initialized and run": Running, regular restartCount 0.
      neverRestarted(timeline, { container: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Running' }),
      // "Ensuring the image got updated": the sidecar restarted, its image the new one.
      restartsAfterPatch(timeline, {
        container: CHANGED,
        patch: 'image',
        times: 1,
        withinMs: IMAGE_WITHIN_MS,
      }),
      imageChange(timeline, { container: CHANGED, from: TEST_IMAGE, to: TEST_IMAGE_B }),
    ];
  },
};
