import { exitsAfterLineOf, exitsBefore, logsLineWithin, noEvent } from '../../assert/vocabulary.js';
import { deleteAndWaitGone, waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream's wait for the handler's line after the delete (the Pod's grace is 15 s). */
export const WITHIN_MS = 30_000;
/** What agnhost netexec logs when it serves the hook's GET. */
export const PRESTOP_LINE = /GET \/echo\?msg=prestop/;

/**
 * Upstream H2 (the http It): when the Pod is deleted, a sidecar's httpGet preStop hook reaches the
 * handler (agnhost netexec, the sidecar before it in the same Pod) before the sidecar stops; the
 * app stops first and the handler last.
 */
export const sidecarPrestopHook: Scenario = {
  name: 'sidecar-prestop-hook',
  suite: 'upstream',
  title:
    "When the Pod is deleted, a sidecar's httpGet preStop hook reaches the handler (agnhost netexec, an earlier sidecar in the Pod): it logs GET /echo?msg=prestop within 30 s, before the sidecar exits; app, sidecar, handler stop in that order",
  manifest: 'manifests/upstream/sidecar-prestop-hook.yaml',
  upstream: {
    row: 'H2',
    file: 'test/e2e/common/node/lifecycle_hook.go',
    test: 'Restartable Init Container Lifecycle Hook: should execute prestop http hook properly',
  },
  async drive(context) {
    await waitRunning(context, { ready: ['handler', 'sidecar', 'main'] });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      logsLineWithin(timeline, {
        container: 'handler',
        line: PRESTOP_LINE,
        after: 'delete',
        withinMs: WITHIN_MS,
      }),
      exitsAfterLineOf(timeline, { container: 'handler', line: PRESTOP_LINE, then: 'sidecar' }),
      exitsBefore(timeline, { first: 'main', then: 'sidecar' }),
      exitsBefore(timeline, { first: 'sidecar', then: 'handler' }),
      noEvent(timeline, { reason: 'FailedPreStopHook', container: 'sidecar' }),
    ];
  },
};
