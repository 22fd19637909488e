import { startsAfterLine } from '../../assert/gating.js';
import { startsAfterStartup } from '../../assert/startup.js';
import { podPhaseIs } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';

/**
 * Upstream C7: a sidecar with a startupProbe holds back the next container until the probe passed.
 * Upstream reads it off the log (the next container's first line comes after the previous
 * sidecar's "started" line, written with the file its probe tests); the harness checks that on the
 * runtime's clock, and the status updates' order too (`started: true` before the next one runs).
 */
export const startupProbeGatesNext: Scenario = {
  name: 'startup-probe-gates-next',
  suite: 'upstream',
  title:
    'Sidecars with startupProbes start one after the other: the next container starts only after the previous sidecar is up and its probe passed',
  manifest: 'manifests/upstream/startup-probe-gates-next.yaml',
  upstream: {
    row: 'C7',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'running restartable init containers with startup probes: should launch restartable init containers serially considering the startup probe',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline) {
    return [
      startsAfterLine(timeline, {
        container: 'restartable-init-1',
        line: /restartable-init-1 up/,
        then: 'restartable-init-2',
      }),
      startsAfterLine(timeline, {
        container: 'restartable-init-2',
        line: /restartable-init-2 up/,
        then: 'regular-1',
      }),
      startsAfterStartup(timeline, { sidecar: 'restartable-init-1', then: 'restartable-init-2' }),
      startsAfterStartup(timeline, { sidecar: 'restartable-init-2', then: 'regular-1' }),
      podPhaseIs(timeline, { phase: 'Succeeded' }),
    ];
  },
};
