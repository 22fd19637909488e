import { exitsAfterLine, hasEvent, startsAgainAfterLine } from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { waitForInstanceExit } from './probe-steps.js';

/** The probes' terminationGracePeriodSeconds; the Pod's is 500. */
export const PROBE_GRACE_MS = 5000;
/** The SIGTERM line comes just after the signal; SIGKILL at the grace's end, then the runtime's bookkeeping. */
export const KILL_WINDOW = { minMs: PROBE_GRACE_MS - 500, maxMs: PROBE_GRACE_MS + 3000 };
/** The first restart follows the kill at once (no back-off yet), well inside the Pod's 500 s grace. */
export const RESTART_WITHIN_MS = 20_000;
/** SIGKILL when the grace ran out. */
export const KILLED = 137;
const SIGTERM = /got SIGTERM/;

const graceRules = (timeline: Parameters<Scenario['rules']>[0], container: string, probe: string) => [
  hasEvent(timeline, { reason: 'Killing', container, message: new RegExp(`failed ${probe} probe`) }),
  exitsAfterLine(timeline, { container, line: SIGTERM, ...KILL_WINDOW, exitCode: KILLED }),
  startsAgainAfterLine(timeline, { container, line: SIGTERM, withinMs: RESTART_WITHIN_MS }),
];

/**
 * Upstream P9, both Its in one Pod: a sidecar killed for its failing exec liveness probe, and one
 * killed for its failing exec startup probe, each get the probe's 5 s grace, not the Pod's 500 s.
 */
export const sidecarProbeLevelGrace: Scenario = {
  name: 'sidecar-probe-level-grace',
  suite: 'upstream',
  title:
    "Sidecars killed for a failing exec liveness or exec startup probe get the probe's 5 s terminationGracePeriodSeconds, not the Pod's 500 s: SIGKILL 5 s after SIGTERM, then a restart",
  manifest: 'manifests/upstream/sidecar-probe-level-grace.yaml',
  upstream: {
    row: 'P9',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should override timeoutGracePeriodSeconds when LivenessProbe / StartupProbe field is set',
  },
  async drive(context) {
    await waitRunning(context, { running: ['liveness-grace', 'startup-grace'] });
    await waitRestarts(context, 'liveness-grace', 1);
    await waitRestarts(context, 'startup-grace', 1);
    // The killed instances' exit times may trail their replacement.
    for (const container of ['liveness-grace', 'startup-grace'])
      await waitForInstanceExit(context, container, 0, 10_000);
  },
  rules(timeline) {
    return [
      ...graceRules(timeline, 'liveness-grace', 'liveness'),
      ...graceRules(timeline, 'startup-grace', 'startup'),
    ];
  },
};
