import { hookLifetime, hooksTogether } from '../../assert/hooks.js';
import { graceExpiryReport } from '../../assert/termination.js';
import { podPhaseIs, startOrder } from '../../assert/vocabulary.js';
import { waitCompleted } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { APP, CONTAINERS, exitCodesAre, SIDECARS } from './grace-rules.js';

/** The manifest keeps the default grace period, as upstream does: its bound applies unscaled. */
export const GRACE_SECONDS = 30;
/** The kubelet's minimum SIGTERM-to-SIGKILL window once the budget is spent. */
const KILL_WINDOW_MS = 2000;
/** Upstream: each hook lives 30 s + 2 s, give or take 1.5 s; the three are cut off within 1 s. */
export const LIFETIME_MS = GRACE_SECONDS * 1000 + KILL_WINDOW_MS;
export const LIFETIME_TOLERANCE_MS = 1500;
export const TOGETHER_MS = 1000;

const START = /preStop start/;
const LOOP = /preStop looping/;

/**
 * Upstream C17: preStop hooks that never end spend the Pod's whole grace period; then every sidecar
 * gets the minimum 2 s together, ignores SIGTERM for longer and is killed. The hooks, started
 * together, are cut off together, each after grace + 2 s.
 */
export const prestopNeverExits: Scenario = {
  name: 'prestop-never-exits',
  suite: 'upstream',
  title:
    "Sidecars whose preStop hooks never end are killed together (exit 137) once the 30 s grace period is spent, each hook living 30 s + the kubelet's 2 s",
  manifest: 'manifests/upstream/prestop-never-exits.yaml',
  upstream: {
    row: 'C17',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: "The PreStop hooks don't exit: should terminate sidecars simultaneously if prestop doesn't exit",
  },
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline, _shape, settings) {
    const killed = Object.fromEntries(SIDECARS.map((container) => [container, 137]));
    return [
      ...startOrder(timeline, { order: CONTAINERS }),
      ...exitCodesAre(timeline, { ...killed, [APP]: 0 }),
      hooksTogether(timeline, { containers: SIDECARS, line: LOOP, which: 'last', withinMs: TOGETHER_MS }),
      ...SIDECARS.map((container) =>
        hookLifetime(timeline, {
          container,
          start: START,
          until: LOOP,
          minMs: LIFETIME_MS - LIFETIME_TOLERANCE_MS,
          maxMs: LIFETIME_MS + LIFETIME_TOLERANCE_MS,
        }),
      ),
      graceExpiryReport(timeline, {
        graceSeconds: GRACE_SECONDS,
        containers: CONTAINERS,
        apps: [APP],
        toleranceMs: settings.shutdownToleranceMs,
      }),
      podPhaseIs(timeline, { phase: 'Succeeded' }),
    ];
  },
};
