import { podStaysIn, restartsWithin, startsAgainAfter, startsBefore } from '../../assert/vocabulary.js';
import { waitRestarts } from '../drive.js';
import type { Scenario } from '../scenario.js';

/** Upstream waits for the app to restart once, within two minutes. */
export const APP_RESTARTS = 1;
export const RESTARTS_WITHIN_MS = 2 * 60_000;

/**
 * Upstream C3 (exit code 1) under restartPolicy Always: the sidecar is restarted after every exit,
 * before and after the app started; the app, done after 30 s, is restarted by the Pod's policy.
 */
export const sidecarExitAlwaysRestartedAlways: Scenario = {
  name: 'sidecar-exit-always-restarted-always',
  suite: 'upstream',
  title:
    'Under restartPolicy Always a sidecar that keeps exiting 1 is restarted, also after the app started; the app restarts after it exits and the Pod stays Running',
  manifest: 'manifests/upstream/sidecar-exit-always-restarted-always.yaml',
  upstream: {
    row: 'C3',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'restartPolicy=Always: a restartable init container starts and exits with exit code 1 continuously',
  },
  async drive(context) {
    await waitRestarts(context, 'regular-1', APP_RESTARTS);
  },
  rules(timeline) {
    return [
      restartsWithin(timeline, {
        container: 'regular-1',
        atLeast: APP_RESTARTS,
        withinMs: RESTARTS_WITHIN_MS,
      }),
      startsBefore(timeline, { first: 'restartable-init-1', then: 'regular-1' }),
      startsAgainAfter(timeline, { container: 'restartable-init-1', after: 'regular-1' }),
      podStaysIn(timeline, { phase: 'Running' }),
    ];
  },
};
