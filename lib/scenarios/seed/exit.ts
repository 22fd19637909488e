import {
  hasEvent,
  noEvent,
  podPhaseIs,
  readyCountIs,
  runsFor,
  terminatedWith,
} from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { allContainers, reverseShutdownRules, sidecarStartRules } from '../sidecar-rules.js';
import { SIGTERM_DELAY_MS } from './order.js';

/** File 3's app sleeps this long, prints its name and exits 0. */
export const APP_RUN_MS = 3000;
/**
 * containerd stamps a container's start once the task has started, after its process began: a 3 s
 * sleep measured 2984–2999 ms in 4 of 22 soak runs and 2946 ms once on a loaded node. The run
 * time may read this much short.
 */
export const RUNTIME_START_SLACK_MS = 250;

/** File 3: restartPolicy Never; the app exits by itself, the sidecars are told to stop. */
export const exit: Scenario = {
  name: 'exit',
  suite: 'seed',
  title:
    'File 3: after the app of a restartPolicy Never Pod exits, sidecars stop in reverse order and the Pod completes',
  manifest: 'manifests/file3-sidecar-container-exit-example.yaml',
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline, shape, settings) {
    const announced = { announcedByLastLogLine: true };
    return [
      ...sidecarStartRules(timeline, shape),
      runsFor(timeline, {
        container: 'app',
        minMs: APP_RUN_MS - RUNTIME_START_SLACK_MS,
        maxMs: APP_RUN_MS + settings.shutdownToleranceMs,
        ...announced,
      }),
      ...reverseShutdownRules(timeline, shape, {
        minMs: SIGTERM_DELAY_MS,
        maxMs: SIGTERM_DELAY_MS + settings.shutdownToleranceMs,
        ...announced,
      }),
      podPhaseIs(timeline, { phase: 'Succeeded' }),
      ...allContainers(shape).map((container) =>
        terminatedWith(timeline, { container, reason: 'Completed', exitCode: 0 }),
      ),
      readyCountIs(timeline, { containers: allContainers(shape), ready: 0 }),
      // The app ended by itself; only the sidecars are told to stop.
      noEvent(timeline, { reason: 'Killing', container: 'app' }),
      ...shape.sidecars.map((container) => hasEvent(timeline, { reason: 'Killing', container })),
    ];
  },
};
