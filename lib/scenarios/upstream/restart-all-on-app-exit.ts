import {
  allStartAgainAfterExit,
  keepsLastTermination,
  restartedInOrder,
  runningAtEnd,
} from '../../assert/restart-all.js';
import { restartsWithin } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import {
  ALL_RESTARTED_WITHIN_MS,
  RESTART_ALL_REQUIREMENTS,
  RUNNING_AGAIN_WITHIN_MS,
  waitAllRestarted,
} from './restart-all-steps.js';

const SOURCE = 'source-container';
/** Upstream's list, in the Pod's order: every container must have restarted. */
const RESTARTED = ['init', 'sidecar', SOURCE, 'regular'];
const RUNNING = [SOURCE, 'regular'];

/**
 * Upstream X1: an app whose rule says RestartAllContainers on exit code 42 exits 42; the kubelet
 * kills and removes every container and runs the Pod again from its first init container. Upstream
 * wants all four restarted (restartCount > 0, a last termination kept) within 3 minutes, then
 * source-container and regular running. We also check that every restart came after the exit 42,
 * and that the restarted containers came up in the Pod's order again (init completes, then the
 * sidecar starts, then the apps); the time from the exit to the last restarted start is measured.
 * Seen on v1.37.2: each last termination is the kubelet's RestartingAllContainers (exit 137), the
 * source's too, not its exit 42.
 */
export const restartAllOnAppExit: Scenario = {
  name: 'restart-all-on-app-exit',
  suite: 'upstream',
  title:
    'An app that exits 42 under a RestartAllContainers rule (restartPolicy Never) restarts every container once, in the Pod’s order again (init, sidecar, apps), after its exit; the apps run again',
  manifest: 'manifests/upstream/restart-all-on-app-exit.yaml',
  upstream: {
    row: 'X1',
    file: 'test/e2e/common/node/container_restart_policy.go',
    test: 'Pod Extended (RestartAllContainers): should restart all containers on regular container exit',
  },
  requires: RESTART_ALL_REQUIREMENTS,
  async drive(context) {
    await waitAllRestarted(context, { restarted: RESTARTED, running: RUNNING });
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
      restartedInOrder(timeline, { first: 'init', then: 'sidecar', firstCompletes: true }),
      restartedInOrder(timeline, { first: 'sidecar', then: SOURCE }),
      restartedInOrder(timeline, { first: 'sidecar', then: 'regular' }),
      ...RUNNING.map((container) => runningAtEnd(timeline, { container })),
    ];
  },
};
