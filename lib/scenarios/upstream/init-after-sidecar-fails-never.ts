import { neverStarts, reachesPhaseWithin, runTogether, terminatedWith } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import { waitPodEnded } from './steps.js';

/** Upstream waits this long for the Pod to be Failed. */
export const FAILS_WITHIN_MS = 60_000;

/**
 * Upstream C6 under restartPolicy Never: a plain init container declared after a sidecar fails
 * while the sidecar runs beside it; it is not retried, the Pod fails, and the app never starts.
 */
export const initAfterSidecarFailsNever: Scenario = {
  name: 'init-after-sidecar-fails-never',
  suite: 'upstream',
  title:
    'An init container declared after a sidecar exits 1 under restartPolicy Never: the sidecar ran beside it, the Pod is Failed and the app never starts',
  manifest: 'manifests/upstream/init-after-sidecar-fails-never.yaml',
  upstream: {
    row: 'C6',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Never: an Init container after restartable init container fails',
  },
  async drive(context) {
    await waitPodEnded(context);
  },
  rules(timeline) {
    return [
      reachesPhaseWithin(timeline, { phase: 'Failed', withinMs: FAILS_WITHIN_MS }),
      // "should mark an Init container as failed"
      terminatedWith(timeline, { container: 'init-1', reason: 'Error', exitCode: 1 }),
      // "should be running restartable init container and a failed Init container in parallel"
      runTogether(timeline, { a: 'restartable-init-1', b: 'init-1' }),
      neverStarts(timeline, { container: 'regular-1' }),
    ];
  },
};
