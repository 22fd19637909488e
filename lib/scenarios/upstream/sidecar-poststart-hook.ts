import { logsLineWithin, neverRestarted, noEvent, startsAfterLine } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { waitForLogLine } from './http-steps.js';

/** Upstream's wait for the handler's line. */
export const WITHIN_MS = 120_000;
/** What agnhost netexec logs when it serves the hook's GET. */
export const POSTSTART_LINE = /GET \/echo\?msg=poststart/;

/**
 * Upstream H1 (the http It): a sidecar's httpGet postStart hook reaches the handler (agnhost
 * netexec, the sidecar before it in the same Pod), and the kubelet starts the app only after it.
 */
export const sidecarPoststartHook: Scenario = {
  name: 'sidecar-poststart-hook',
  suite: 'upstream',
  title:
    "A sidecar's httpGet postStart hook reaches the handler (agnhost netexec, an earlier sidecar in the Pod): it logs GET /echo?msg=poststart after the sidecar started, and the app starts only after that",
  manifest: 'manifests/upstream/sidecar-poststart-hook.yaml',
  upstream: {
    row: 'H1',
    file: 'test/e2e/common/node/lifecycle_hook.go',
    test: 'Restartable Init Container Lifecycle Hook: should execute poststart http hook properly',
  },
  async drive(context) {
    await waitRunning(context, { running: ['handler', 'sidecar', 'main'] });
    await waitForLogLine(context, 'handler', POSTSTART_LINE, WITHIN_MS);
  },
  rules(timeline) {
    return [
      logsLineWithin(timeline, {
        container: 'handler',
        line: POSTSTART_LINE,
        after: { startOf: 'sidecar' },
        withinMs: WITHIN_MS,
      }),
      startsAfterLine(timeline, { container: 'handler', line: POSTSTART_LINE, then: 'main' }),
      noEvent(timeline, { reason: 'FailedPostStartHook', container: 'sidecar' }),
      neverRestarted(timeline, { container: 'sidecar' }),
    ];
  },
};
