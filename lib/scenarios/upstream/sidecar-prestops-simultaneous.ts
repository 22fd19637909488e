import { hookEndsBeforeSigterm, hooksTogether } from '../../assert/hooks.js';
import { startOrder, stopsAfter } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { APP, CONTAINERS, exitCodesAre, SIDECARS } from './grace-rules.js';

/** Each sidecar takes this long after SIGTERM; its preStop hook this long before. */
export const SIDECAR_STOP_MS = 2000;
export const HOOK_MS = 1000;
/** Upstream: the three hooks start within 1 s of each other. */
export const TOGETHER_MS = 1000;

/**
 * Upstream C18: when the app is done the kubelet starts every sidecar's kill at once, so all preStop
 * hooks run together; only SIGTERM waits for the turn, so the sidecars still stop in reverse order,
 * each at least its stop time after the one declared after it.
 */
export const sidecarPrestopsSimultaneous: Scenario = {
  name: 'sidecar-prestops-simultaneous',
  suite: 'upstream',
  title:
    'The preStop hooks of three sidecars run at once when the app is done; the sidecars still stop in reverse order, all Completed with exit code 0',
  manifest: 'manifests/upstream/sidecar-prestops-simultaneous.yaml',
  upstream: {
    row: 'C18',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'the restartable init containers have multiple PreStop hooks: should call sidecar container PreStop hook simultaneously',
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline, _shape, settings) {
    const gap = { minMs: SIDECAR_STOP_MS, maxMs: SIDECAR_STOP_MS + HOOK_MS + settings.shutdownToleranceMs };
    const [first, second, third] = SIDECARS as [string, string, string];
    return [
      ...startOrder(timeline, { order: CONTAINERS }),
      stopsAfter(timeline, { first: APP, then: third, ...gap }),
      stopsAfter(timeline, { first: third, then: second, ...gap }),
      stopsAfter(timeline, { first: second, then: first, ...gap }),
      ...exitCodesAre(timeline, { [first]: 0, [second]: 0, [third]: 0, [APP]: 0 }),
      hooksTogether(timeline, {
        containers: SIDECARS,
        line: /preStop start/,
        which: 'first',
        withinMs: TOGETHER_MS,
      }),
      ...SIDECARS.map((container) =>
        hookEndsBeforeSigterm(timeline, {
          container,
          start: /preStop start/,
          end: /preStop end/,
          sigterm: /got SIGTERM/,
        }),
      ),
    ];
  },
};
