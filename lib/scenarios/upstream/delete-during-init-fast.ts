import { goneWithin } from '../../assert/deletion.js';
import { neverStarts } from '../../assert/lifecycle.js';
import { hasEvent } from '../../assert/vocabulary.js';
import type { Scenario } from '../scenario.js';
import { APP, SIDECARS } from './grace-rules.js';
import { deleteWithGrace, waitInitializing } from './termination-steps.js';

/** Upstream deletes with a 3 s grace period and allows 3 s more (kubernetes#135008). */
export const DELETE_GRACE_SECONDS = 3;
export const BUFFER_MS = 3000;

/**
 * Upstream C19: a Pod deleted while its first (plain) init container runs must not wait for the
 * sidecars declared after it, which never started: it is gone within the grace period plus a few
 * seconds of the kubelet's own latency.
 */
export const deleteDuringInitFast: Scenario = {
  name: 'delete-during-init-fast',
  suite: 'upstream',
  title:
    'A Pod deleted (grace 3 s) while an init container before its sidecars still runs is gone within grace + 3 s; the sidecars and the app never start',
  manifest: 'manifests/upstream/delete-during-init-fast.yaml',
  upstream: {
    row: 'C19',
    file: 'test/e2e_node/container_lifecycle_test.go',
    test: 'Restartable init containers are terminated during initialization: should not hang in termination if terminated during initialization',
  },
  async drive(context) {
    await waitInitializing(context, { running: ['start-init'] });
    await deleteWithGrace(context, DELETE_GRACE_SECONDS);
  },
  rules(timeline) {
    return [
      goneWithin(timeline, {
        withinMs: DELETE_GRACE_SECONDS * 1000 + BUFFER_MS,
        basis: `grace ${DELETE_GRACE_SECONDS} s + ${BUFFER_MS / 1000} s`,
      }),
      hasEvent(timeline, { reason: 'Killing', container: 'start-init' }),
      ...[...SIDECARS, APP].map((container) => neverStarts(timeline, { container })),
    ];
  },
};
