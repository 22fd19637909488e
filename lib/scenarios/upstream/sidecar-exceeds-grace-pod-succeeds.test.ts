import { describe, expect, it } from 'vitest';
import { graceExpiryOf } from '../../assert/termination.js';
import {
  checkScenario,
  expectBroken,
  exitRecord,
  moveRecord,
  recordedRun,
  rulesWith,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import type { Timeline } from '../../timeline/timeline.js';
import { APP, CONTAINERS } from './grace-rules.js';
import {
  budgetRule,
  endsIn,
  exitAt,
  expiryRule,
  onlyBroken,
  overBudget,
  statusExit,
} from '../../testing/grace-row-check.js';
import { GRACE_SECONDS, sidecarExceedsGracePodSucceeds } from './sidecar-exceeds-grace-pod-succeeds.js';

const { fixture, timeline } = await recordedRun('sidecar-exceeds-grace-pod-succeeds');
const check = (t = timeline) => checkScenario(sidecarExceedsGracePodSucceeds, fixture, t);
const [S2, S3] = ['restartable-init-2', 'restartable-init-3'];

/**
 * restartable-init-2 killed 0.5 s before the budget's end and restartable-init-3 stopping 0.2 s
 * before it: still killed at the budget's end (within its 1 s of whole-second slack), but after
 * restartable-init-3, which had not been stopped by the budget.
 */
function beforeItsTurn(t: Timeline): Timeline {
  const expiryNs = graceExpiryOf(t, {
    graceSeconds: GRACE_SECONDS,
    containers: CONTAINERS,
    apps: [APP],
  })!.expiryNs;
  const killed = moveRecord(t, exitRecord(t, S2), expiryNs - msToNs(500));
  return moveRecord(killed, exitRecord(killed, S3), expiryNs - msToNs(200));
}

describe('sidecar-exceeds-grace-pod-succeeds (upstream C24)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Failed', () => {
    onlyBroken(check(endsIn(timeline, 'Failed')), 'Pod phase is Succeeded', ['Succeeded', 'Failed']);
  });

  it.each([
    ['restartable-init-1', 137, 'Completed', 0],
    ['restartable-init-2', 0, 'Error', 137],
    ['restartable-init-3', 137, 'Completed', 0],
    ['regular-1', 1, 'Completed', 0],
  ] as const)('fails when the status says %s exited %i', (container, code, reason, expected) => {
    onlyBroken(
      check(statusExit(timeline, container, code)),
      `${container} ends ${reason} with exit code ${expected}`,
      [container],
    );
  });

  it('fails when the last sidecar stops before the app', () => {
    const appLater = moveRecord(
      timeline,
      exitRecord(timeline, APP),
      exitRecord(timeline, S3).ns + msToNs(300),
    );
    onlyBroken(check(appLater), `${S3} stops 0–${GRACE_SECONDS * 1000} ms after ${APP}`, [S3, APP]);
  });

  it('fails when restartable-init-2 is stopped before restartable-init-3', () => {
    const results = check(beforeItsTurn(timeline));
    onlyBroken(results, `${S3} exits before ${S2}`, [S2, S3]);
  });

  it('fails when the last container stops beyond grace + 2 s + tolerance', () => {
    onlyBroken(check(overBudget(timeline, GRACE_SECONDS)), budgetRule(GRACE_SECONDS), ['restartable-init-1']);
  });

  it('fails when the slow sidecar is killed well before the grace period ran out', () => {
    const results = check(exitAt(timeline, S2, 3500));
    const broken = expectBroken(results, expiryRule(results), [S2]);
    expect(rulesWith(results)).toEqual([broken.rule]);
    expect(broken.actual).toMatch(/restartable-init-2 was killed before its grace period ran out/);
  });
});
