import {
  reachesPhaseWithin,
  startsAgainAfter,
  startsBefore,
  terminatedWith,
} from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream waits this long for the Pod to stop running, then wants it Succeeded. */
export const COMPLETES_WITHIN_MS = 5 * 60_000;

/**
 * Upstream C3 (exit code 1) under restartPolicy Never: a sidecar is restarted after every exit,
 * whatever the Pod's restart policy, and its exits never fail the Pod.
 */
export const sidecarExitAlwaysRestartedNever: Scenario = {
  name: 'sidecar-exit-always-restarted-never',
  suite: 'upstream',
  title:
    'A sidecar that keeps exiting 1 is restarted, also after the app started, even under restartPolicy Never; its status shows it running again and the Pod still Succeeds',
  manifest: 'manifests/upstream/sidecar-exit-always-restarted-never.yaml',
  upstream: {
    row: 'C3',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Never: a restartable init container starts and exits with exit code 1 continuously',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline) {
    return [
      reachesPhaseWithin(timeline, { phase: 'Succeeded', withinMs: COMPLETES_WITHIN_MS }),
      startsBefore(timeline, { first: 'restartable-init-1', then: 'regular-1' }),
      startsAgainAfter(timeline, { container: 'restartable-init-1', after: 'regular-1' }),
      // kubernetes#123323: in Never/OnFailure Pods the status stayed in the first exit.
      startsAgainAfter(timeline, { container: 'restartable-init-1', after: 'regular-1', source: 'status' }),
      terminatedWith(timeline, { container: 'regular-1', reason: 'Completed', exitCode: 0 }),
    ];
  },
};
