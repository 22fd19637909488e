import { hasEvent, neverStarts, podStaysIn } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import { observeFor, waitForWaitingReason } from './probe-steps.js';

/** After ImagePullBackOff, keep watching this long: nothing may start meanwhile. */
export const BLOCKED_WINDOW_MS = 10_000;

/**
 * Upstream C4: a sidecar whose image cannot be pulled blocks the Pod: ErrImagePull, then
 * ImagePullBackOff (its waiting reason, which the kubelet's Events repeat); neither the sidecar nor
 * the app starts, and the Pod stays Pending.
 */
export const sidecarBadImageBlocks: Scenario = {
  name: 'sidecar-bad-image-blocks',
  suite: 'upstream',
  title:
    'A sidecar whose image cannot be pulled stays in ErrImagePull / ImagePullBackOff: neither it nor the app starts, the Pod stays Pending',
  manifest: 'manifests/upstream/sidecar-bad-image-blocks.yaml',
  upstream: {
    row: 'C4',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'a restartable init container fails to start because of a bad image',
  },
  async drive(context) {
    // The blocked state is the behaviour under test: wait for it, then watch that nothing starts.
    await waitForWaitingReason(context, 'sidecar', 'ImagePullBackOff');
    await observeFor(context, BLOCKED_WINDOW_MS, 'neither sidecar nor app may start');
  },
  rules(timeline) {
    return [
      hasEvent(timeline, { reason: 'Failed', container: 'sidecar', message: /ErrImagePull/ }),
      hasEvent(timeline, { reason: 'Failed', container: 'sidecar', message: /ImagePullBackOff/ }),
      neverStarts(timeline, { container: 'sidecar' }),
      neverStarts(timeline, { container: 'app' }),
      podStaysIn(timeline, { phase: 'Pending' }),
    ];
  },
};
