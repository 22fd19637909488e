import { exitsBeforeStart, reachesPhaseWithin, runTogether, startsBefore } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream waits this long for the Pod to stop running, then wants it Succeeded. */
export const COMPLETES_WITHIN_MS = 5 * 60_000;

/**
 * Upstream C1: plain init containers and sidecars in one chain. Each plain init container runs to
 * completion before the next container starts (upstream: StartsBefore and ExitsBefore); each
 * sidecar only has to be started before the next one starts; and both sidecars are still running
 * when the app starts. Upstream's other RunTogether pairs (restartable-init-1 with init-2, with
 * restartable-init-2 and with init-3, restartable-init-2 with init-3) follow from these: each such
 * container starts after the sidecar and has ended by the time the app starts, when the sidecar is
 * still running; they are not checked apart (no timeline could break one of them alone).
 */
export const mixedInitSidecarOrder: Scenario = {
  name: 'mixed-init-sidecar-order',
  suite: 'upstream',
  title:
    'Init containers and sidecars start as one chain (init → sidecar → init → sidecar → init → app), the sidecars run beside the later init containers and the app, and the Never Pod Succeeds',
  manifest: 'manifests/upstream/mixed-init-sidecar-order.yaml',
  upstream: {
    row: 'C1',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'using a Pod with restartPolicy=Never, three init container and two restartable init containers',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline) {
    return [
      reachesPhaseWithin(timeline, { phase: 'Succeeded', withinMs: COMPLETES_WITHIN_MS }),
      // "should run the … init container to completion before starting …"
      exitsBeforeStart(timeline, { first: 'init-1', then: 'restartable-init-1' }),
      startsBefore(timeline, { first: 'restartable-init-1', then: 'init-2' }),
      exitsBeforeStart(timeline, { first: 'init-2', then: 'restartable-init-2' }),
      startsBefore(timeline, { first: 'restartable-init-2', then: 'init-3' }),
      exitsBeforeStart(timeline, { first: 'init-3', then: 'regular-1' }),
      // "should run both restartable init containers and a regular container together"
      runTogether(timeline, { a: 'restartable-init-1', b: 'regular-1' }),
      runTogether(timeline, { a: 'restartable-init-2', b: 'regular-1' }),
    ];
  },
};
