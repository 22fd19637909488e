import {
  allStartAgainAfterExit,
  keepsLastTermination,
  restartedInOrder,
  runningAtEnd,
} from '../../assert/restart-all.js';
import { exitsBeforeStart, neverRestarted, restartsWithin } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import {
  ALL_RESTARTED_WITHIN_MS,
  RESTART_ALL_REQUIREMENTS,
  RUNNING_AGAIN_WITHIN_MS,
  waitAllRestarted,
} from './restart-all-steps.js';

const SOURCE = 'source-init';
/** Upstream's list: the containers that ran before the exit, in the Pod's order. */
const RESTARTED = ['sidecar', 'init', SOURCE];

/**
 * Upstream X3: a plain init container whose rule says RestartAllContainers on exit code 42 exits 42
 * (and 0 when run again); the kubelet kills the sidecar, removes it and the init containers, and
 * runs them again from the first. Upstream wants sidecar, init and source-init restarted
 * (restartCount > 0, a last termination kept) within 3 minutes, then regular running. We also check
 * that every restart came after the exit 42, that the restarted containers came up in the Pod's
 * order again (sidecar starts, init completes, source-init completes, then the app starts), and
 * that the app, never created before the exit, is not restarted; the time from the exit to the last
 * restarted start is measured.
 */
export const restartAllOnInitExit: Scenario = {
  name: 'restart-all-on-init-exit',
  suite: 'upstream',
  title:
    'An init container that exits 42 under a RestartAllContainers rule (restartPolicy Never) restarts the sidecar and the init containers once, in the Pod’s order again, after its exit; then the app starts, never restarted',
  manifest: 'manifests/upstream/restart-all-on-init-exit.yaml',
  upstream: {
    row: 'X3',
    file: 'test/e2e/common/node/container_restart_policy.go',
    test: 'Pod Extended (RestartAllContainers): should restart init and sidecar containers on init container exit',
  },
  requires: RESTART_ALL_REQUIREMENTS,
  async drive(context) {
    await waitAllRestarted(context, { restarted: RESTARTED, running: ['regular'] });
  },
  rules(timeline) {
    return [
      ...RESTARTED.map((container) =>
        restartsWithin(timeline, { container, atLeast: 1, withinMs: ALL_RESTARTED_WITHIN_MS }),
      ),
      ...RESTARTED.map((container) => keepsLastTermination(timeline, { container })),
      allStartAgainAfterExit(timeline, {
        containers: RESTARTED,
        after: { container: SOURCE, exitCode: 42 },
        withinMs: RUNNING_AGAIN_WITHIN_MS,
      }),
      restartedInOrder(timeline, { first: 'sidecar', then: 'init' }),
      restartedInOrder(timeline, { first: 'init', then: SOURCE, firstCompletes: true }),
      // regular's only instance: source-init's last (restarted) instance must have completed first.
      exitsBeforeStart(timeline, { first: SOURCE, then: 'regular' }),
      neverRestarted(timeline, { container: 'regular' }),
      runningAtEnd(timeline, { container: 'regular' }),
    ];
  },
};
