import {
  hasEvent,
  hasRestarted,
  logsOnlyAfter,
  neverRestarted,
  noEvent,
  noLogLine,
  startupHeldFor,
} from '../../assert/vocabulary.js';
import { waitRestarts, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { observeFor } from './probe-steps.js';

/** How long startup-never is watched: its liveness probe would fail at each of 30 one-second runs. */
export const HELD_MS = 30_000;
/** What each liveness probe run writes to its container's log. */
export const LIVENESS_RAN = /liveness probe ran/;
/** What startup-later logs once it wrote the file its startup probe reads. */
export const STARTUP_FILE = /startup file written/;
/** What startup-later's SIGTERM handler logs: here only a liveness kill sends SIGTERM. */
export const SIGTERM = /SIGTERM, exiting/;

/**
 * Upstream P7, both Its in one Pod: a failing exec liveness probe does nothing (it does not even
 * run) until the sidecar's exec startup probe passes; once it passes, the liveness probe restarts
 * the sidecar.
 */
export const sidecarStartupGatesLiveness: Scenario = {
  name: 'sidecar-startup-gates-liveness',
  suite: 'upstream',
  title:
    "A failing exec liveness probe waits for the sidecar's exec startup probe: it never runs while that probe has not passed (30 s), and restarts the sidecar once it has",
  manifest: 'manifests/upstream/sidecar-startup-gates-liveness.yaml',
  upstream: {
    row: 'P7',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should *not* be restarted by liveness probe because startup probe delays it; should be restarted by liveness probe after startup probe enables it',
  },
  async drive(context) {
    await waitRunning(context, { running: ['startup-later', 'startup-never'] });
    await waitRestarts(context, 'startup-later', 1);
    const started = context.observer.timeline.first({ kind: 'started', container: 'startup-never' });
    const sinceMs = started ? Date.now() - Number(started.ns / 1_000_000n) : 0;
    if (sinceMs < HELD_MS) {
      await observeFor(
        context,
        HELD_MS - sinceMs + 1000,
        'startup-never must not be killed by its liveness probe',
      );
    }
  },
  rules(timeline) {
    return [
      hasRestarted(timeline, { container: 'startup-later', atLeast: 1 }),
      hasEvent(timeline, { reason: 'Killing', container: 'startup-later', message: /failed liveness probe/ }),
      // A restarted instance may inherit started: true for a moment and get one early probe run (seen
      // on v1.37.2); the kill still waits for its own startup probe. So: no early run in the first
      // instance, and no kill before the startup file in any.
      logsOnlyAfter(timeline, {
        container: 'startup-later',
        line: LIVENESS_RAN,
        after: STARTUP_FILE,
        firstInstanceOnly: true,
      }),
      logsOnlyAfter(timeline, { container: 'startup-later', line: SIGTERM, after: STARTUP_FILE }),
      startupHeldFor(timeline, { container: 'startup-never', forMs: HELD_MS }),
      noLogLine(timeline, { container: 'startup-never', message: LIVENESS_RAN }),
      noEvent(timeline, {
        reason: 'Unhealthy',
        container: 'startup-never',
        message: /Liveness probe failed/,
      }),
      noEvent(timeline, { reason: 'Killing', container: 'startup-never', message: /failed liveness probe/ }),
      neverRestarted(timeline, { container: 'startup-never' }),
    ];
  },
};
