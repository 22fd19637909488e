import { goneWithin } from '../../assert/deletion.js';
import { neverReportsStarted } from '../../assert/gating.js';
import { neverStarts } from '../../assert/lifecycle.js';
import { hasEvent, terminatedWith } from '../../assert/vocabulary.js';
import { deleteAndWaitGone } from '../drive.js';
import type { Scenario } from '../scenario.js';
import { waitInitializing } from './termination-steps.js';

const RUNNING = 'restartable-init-2';
/** The manifest's grace period (upstream: 180 s) and restartable-init-2's time to stop after SIGTERM. */
export const GRACE_SECONDS = 60;
export const STOP_MS = 1000;
/** Upstream allows the stop time + 60 s against a 180 s grace period; here + 10 s against 60 s. */
export const BUFFER_MS = 10_000;

/**
 * Upstream C20: a sidecar that runs but never reported started (its startupProbe has not passed),
 * with the containers after it never created, still gets SIGTERM at once on delete: nothing it
 * waits for is running (kubernetes#125880: it used to wait for the whole grace period).
 */
export const nonStartedSidecarTermination: Scenario = {
  name: 'non-started-sidecar-termination',
  suite: 'upstream',
  title:
    'A Pod deleted while a sidecar runs but has not started (startupProbe pending) is gone in seconds, not after its 60 s grace period',
  manifest: 'manifests/upstream/non-started-sidecar-termination.yaml',
  upstream: {
    row: 'C20',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'there is a non-started restartable init container: should terminate restartable init containers gracefully if there is a non-started restartable init container',
  },
  async drive(context) {
    await waitInitializing(context, { running: [RUNNING], notStarted: [RUNNING] });
    await deleteAndWaitGone(context);
  },
  rules(timeline) {
    return [
      goneWithin(timeline, {
        withinMs: STOP_MS + BUFFER_MS,
        basis: `${RUNNING}'s ${STOP_MS / 1000} s stop + ${BUFFER_MS / 1000} s, against a ${GRACE_SECONDS} s grace period`,
      }),
      neverReportsStarted(timeline, { container: RUNNING }),
      hasEvent(timeline, { reason: 'Killing', container: RUNNING }),
      terminatedWith(timeline, { container: RUNNING, reason: 'Completed', exitCode: 0 }),
      neverStarts(timeline, { container: 'restartable-init-3' }),
      neverStarts(timeline, { container: 'regular-1' }),
    ];
  },
};
