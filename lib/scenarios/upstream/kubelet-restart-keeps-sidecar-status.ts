import { statusHeldAcross } from '../../assert/vocabulary.js';
import { waitRunning } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { restartKubelet } from './node-steps.js';
import { observeFor } from './probe-steps.js';
import { KUBELET_RESTART_DISRUPTS } from './update-during-kubelet-restart.js';

export const SIDECARS = [
  'sidecar-no-probe',
  'sidecar-startup',
  'sidecar-readiness',
  'sidecar-startup-readiness',
];
/** Upstream waits 11 s once the Pod is Ready ("the grace period for kubelet startup is 10 seconds"). */
export const BEFORE_RESTART_MS = 11_000;
/**
 * Upstream keeps watching 5 s after the kubelet is healthy; here 10 s, for a kubelet that takes its
 * time to sync the Pod again (its probes' first runs, 1 s apart, come within that).
 */
export const WATCH_AFTER_MS = 10_000;

/**
 * Upstream C31 (KEP-4781, kubernetes#134746, 1.35): a kubelet restart does not touch a running
 * sidecar's status. Upstream's four Its (no probe, a startupProbe, a readinessProbe, both) are four
 * sidecars of one Pod here, one kubelet restart for all: in every status update across the restart
 * each stays started, ready, at restartCount 0, and the Pod Running.
 */
export const kubeletRestartKeepsSidecarStatus: Scenario = {
  name: 'kubelet-restart-keeps-sidecar-status',
  suite: 'upstream',
  title:
    'A kubelet restart leaves running sidecars’ status alone (no probe, a startupProbe, a readinessProbe, both): started, ready, restartCount 0, the Pod Running in every update',
  manifest: 'manifests/upstream/kubelet-restart-keeps-sidecar-status.yaml',
  upstream: {
    row: 'C31',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'Not Change Container Status: a Pod is running with a restartable init container: should not affect pod status when restartable init container has no probe / startupProbe / readinessProbe / startupProbe and readinessProbe',
  },
  requires: {
    since: {
      version: '1.35',
      what: 'a kubelet that keeps container statuses across its restart (KEP-4781, kubernetes#134746)',
    },
    nodeOperations: ['restart-kubelet'],
  },
  disruptive: KUBELET_RESTART_DISRUPTS,
  async drive(context) {
    await waitRunning(context, { ready: [...SIDECARS, 'regular-1'] });
    await observeFor(context, BEFORE_RESTART_MS, 'as upstream, past the kubelet’s startup grace');
    await restartKubelet(context);
    await observeFor(
      context,
      WATCH_AFTER_MS,
      'every status update after the restart must keep the sidecars’ status',
    );
  },
  rules(timeline) {
    return SIDECARS.map((container) =>
      statusHeldAcross(timeline, { container, operation: 'kubelet restart' }),
    );
  },
};
