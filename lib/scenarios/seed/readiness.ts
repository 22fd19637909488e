import {
  hasEvent,
  neverRestarted,
  podNeverReady,
  podReadyIs,
  podStaysIn,
  readyCountIs,
} from '../../assert/vocabulary.js';
import { sleep } from '../../wait.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { allContainers, sidecarStartRules } from '../sidecar-rules.js';

/** File 5's probe keeps Kubernetes' default period; watch three of them. */
export const READINESS_WINDOW_MS = 3 * 10_000;

/** File 5: the sidecar's readiness probe always fails. */
export const readiness: Scenario = {
  name: 'readiness',
  suite: 'seed',
  title: 'File 5: a sidecar failing its readiness probe leaves the Pod NotReady (1/2) without restarts',
  manifest: 'manifests/file5-sidecar-container-readiness-fail-example.yaml',
  async drive(context) {
    await waitRunning(context, { running: ['sidecar', 'app'] });
    context.progress(`${context.podName}: observing for ${READINESS_WINDOW_MS} ms`);
    await sleep(READINESS_WINDOW_MS, context.signal);
  },
  rules(timeline, shape) {
    return [
      ...sidecarStartRules(timeline, shape),
      readyCountIs(timeline, { containers: allContainers(shape), ready: 1 }),
      podReadyIs(timeline, { ready: false }),
      podNeverReady(timeline),
      hasEvent(timeline, { reason: 'Unhealthy', container: 'sidecar', message: /Readiness probe failed/ }),
      neverRestarted(timeline, { container: 'sidecar' }),
      neverRestarted(timeline, { container: 'app' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
