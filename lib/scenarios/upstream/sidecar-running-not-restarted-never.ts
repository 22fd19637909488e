import { neverRestarted, reachesPhaseWithin, terminatedWith } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream waits this long for the Pod to stop running, then wants it Succeeded. */
export const COMPLETES_WITHIN_MS = 5 * 60_000;

/** Upstream C2 under restartPolicy Never: the app runs once; the sidecar beside it is never restarted. */
export const sidecarRunningNotRestartedNever: Scenario = {
  name: 'sidecar-running-not-restarted-never',
  suite: 'upstream',
  title:
    'A sidecar that runs continuously is never restarted; the app runs to completion once and the Never Pod Succeeds',
  manifest: 'manifests/upstream/sidecar-running-not-restarted-never.yaml',
  upstream: {
    row: 'C2',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Never: a restartable init container runs continuously',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline) {
    return [
      reachesPhaseWithin(timeline, { phase: 'Succeeded', withinMs: COMPLETES_WITHIN_MS }),
      neverRestarted(timeline, { container: 'restartable-init-1' }),
      // "should run a regular container to completion"
      terminatedWith(timeline, { container: 'regular-1', reason: 'Completed', exitCode: 0 }),
    ];
  },
};
