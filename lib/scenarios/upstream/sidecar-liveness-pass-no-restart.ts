import { hasEvent, logsLineWithin, noEvent, notRestartedFor } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { observeFor } from './probe-steps.js';

/** Watched after the sidecars run: four to five runs of each probe (upstream: 4 minutes). */
export const WINDOW_MS = 60_000;
const SIDECARS = ['sidecar-tcp', 'sidecar-http', 'sidecar-redirect'];
/** The kubelet's warning for a redirect it does not follow (off the Pod), with the body http.Redirect writes. */
export const PROBE_WARNING =
  /^Liveness probe warning: Probe terminated redirects, Response body: <a href="http:\/\/0\.0\.0\.0\/">Found<\/a>\./;

/**
 * Upstream P4, three Its in one Pod: sidecars whose liveness probes pass (tcp on agnhost liveness'
 * port, whose HTTP answers 500; http GET / on agnhost test-webserver; http to a redirect off the
 * Pod, which counts as a success with a ProbeWarning Event) are never restarted.
 */
export const sidecarLivenessPassNoRestart: Scenario = {
  name: 'sidecar-liveness-pass-no-restart',
  suite: 'upstream',
  title:
    'Sidecars (agnhost) passing their liveness probes (tcp, http GET /, http redirected off the Pod, with a ProbeWarning Event) are never restarted over 60 s',
  manifest: 'manifests/upstream/sidecar-liveness-pass-no-restart.yaml',
  upstream: {
    row: 'P4',
    file: 'test/e2e/common/node/container_probe.go',
    test: 'Probing restartable init container: should *not* be restarted with a tcp:8080 liveness probe; with a /healthz http liveness probe; with a non-local redirect http liveness probe',
  },
  async drive(context) {
    await waitRunning(context, { running: [...SIDECARS, 'main'] });
    await observeFor(context, WINDOW_MS, 'the sidecars must not restart');
  },
  rules(timeline) {
    return [
      ...SIDECARS.map((container) => notRestartedFor(timeline, { container, forMs: WINDOW_MS })),
      ...SIDECARS.map((container) =>
        noEvent(timeline, { reason: 'Killing', container, message: /failed liveness probe/ }),
      ),
      logsLineWithin(timeline, {
        container: 'sidecar-redirect',
        line: /GET \/redirect\?msg=http:\/\/0\.0\.0\.0\//,
        after: { startOf: 'sidecar-redirect' },
        withinMs: WINDOW_MS,
      }),
      hasEvent(timeline, { reason: 'ProbeWarning', container: 'sidecar-redirect', message: PROBE_WARNING }),
    ];
  },
};
