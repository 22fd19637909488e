import {
  firstEventWithin,
  hasEvent,
  hasRestarted,
  neverRestarted,
  podStaysIn,
} from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { sidecarStartRules } from '../sidecar-rules.js';

/** Restarts of the sidecar to observe: the article saw it "restarted again and again". */
export const LIVENESS_RESTARTS = 2;
/** File 4's probe sets neither: Kubernetes' defaults. */
const PROBE_PERIOD_MS = 10_000;
const FAILURE_THRESHOLD = 3;
/** The first kill comes after `failureThreshold` failures, plus a period of slack for where the first probe falls. */
export const LIVENESS_KILL_WITHIN_MS = (FAILURE_THRESHOLD + 1) * PROBE_PERIOD_MS;

/** File 4: the sidecar's liveness probe always fails. */
export const liveness: Scenario = {
  name: 'liveness',
  suite: 'seed',
  title: 'File 4: a sidecar failing its liveness probe is restarted; the app is not, the Pod stays Running',
  manifest: 'manifests/file4-sidecar-container-liveness-fail-example.yaml',
  async drive(context) {
    await waitRunning(context, { running: ['sidecar', 'app'] });
    await waitRestarts(context, 'sidecar', LIVENESS_RESTARTS);
  },
  rules(timeline, shape) {
    return [
      ...sidecarStartRules(timeline, shape),
      hasRestarted(timeline, { container: 'sidecar', atLeast: LIVENESS_RESTARTS }),
      hasEvent(timeline, { reason: 'Unhealthy', container: 'sidecar', message: /Liveness probe failed/ }),
      hasEvent(timeline, { reason: 'Killing', container: 'sidecar', message: /failed liveness probe/ }),
      firstEventWithin(timeline, {
        container: 'sidecar',
        reason: 'Killing',
        message: /failed liveness probe/,
        withinMs: LIVENESS_KILL_WITHIN_MS,
      }),
      neverRestarted(timeline, { container: 'app' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
