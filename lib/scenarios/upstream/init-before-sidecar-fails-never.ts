import { neverStarts, reachesPhaseWithin, terminatedWith } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import { waitPodEnded } from './steps.js';

/** Upstream waits this long for the Pod to be Failed. */
export const FAILS_WITHIN_MS = 60_000;

/**
 * Upstream C5 under restartPolicy Never: a plain init container declared before the sidecar fails;
 * it is not retried, the Pod fails, and nothing declared after it ever starts.
 */
export const initBeforeSidecarFailsNever: Scenario = {
  name: 'init-before-sidecar-fails-never',
  suite: 'upstream',
  title:
    'An init container declared before a sidecar exits 1 under restartPolicy Never: the Pod is Failed and neither the sidecar nor the app ever starts',
  manifest: 'manifests/upstream/init-before-sidecar-fails-never.yaml',
  upstream: {
    row: 'C5',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Never: an Init container before restartable init container fails',
  },
  async drive(context) {
    await waitPodEnded(context);
  },
  rules(timeline) {
    return [
      reachesPhaseWithin(timeline, { phase: 'Failed', withinMs: FAILS_WITHIN_MS }),
      // "should mark an Init container as failed"
      terminatedWith(timeline, { container: 'init-1', reason: 'Error', exitCode: 1 }),
      neverStarts(timeline, { container: 'restartable-init-1' }),
      neverStarts(timeline, { container: 'regular-1' }),
    ];
  },
};
