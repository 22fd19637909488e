import { podPhaseIs, podReadyIs, readyCountIs, runTogether } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { allContainers, sidecarStartRules } from '../sidecar-rules.js';

/** File 1: a sidecar with liveness and readiness probes beside the app. */
export const basic: Scenario = {
  name: 'basic',
  suite: 'seed',
  title: 'File 1: a sidecar with probes runs beside the app, Pod Ready 2/2',
  manifest: 'manifests/file1-sidecar-container-example.yaml',
  async drive(context) {
    await waitRunning(context, { ready: ['sidecar', 'app'] });
  },
  rules(timeline, shape) {
    return [
      ...sidecarStartRules(timeline, shape),
      runTogether(timeline, { a: 'sidecar', b: 'app' }),
      readyCountIs(timeline, { containers: allContainers(shape), ready: 2 }),
      podReadyIs(timeline, { ready: true }),
      podPhaseIs(timeline, { phase: 'Running' }),
    ];
  },
};
