import { describe, expect, it } from 'vitest';
import { checkScenario, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { appExceedsGracePodFailed, GRACE_SECONDS } from './app-exceeds-grace-pod-failed.js';
import {
  budgetRule,
  endsIn,
  exitAt,
  expiryRule,
  onlyBroken,
  overBudget,
  statusExit,
} from '../../testing/grace-row-check.js';

const { fixture, timeline } = await recordedRun('app-exceeds-grace-pod-failed');
const check = (t = timeline) => checkScenario(appExceedsGracePodFailed, fixture, t);

describe('app-exceeds-grace-pod-failed (upstream C23)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Succeeded', () => {
    onlyBroken(check(endsIn(timeline, 'Succeeded')), 'Pod phase is Failed', ['Failed', 'Succeeded']);
  });

  it.each([
    ['restartable-init-1', 0, 'Error', 137],
    ['restartable-init-2', 137, 'Completed', 0],
    ['restartable-init-3', 0, 'Error', 137],
    ['regular-1', 0, 'Error', 137],
  ] as const)('fails when the status says %s exited %i', (container, code, reason, expected) => {
    onlyBroken(
      check(statusExit(timeline, container, code)),
      `${container} ends ${reason} with exit code ${expected}`,
      [container],
    );
  });

  it('fails when the last container stops beyond grace + 2 s + tolerance', () => {
    onlyBroken(check(overBudget(timeline, GRACE_SECONDS)), budgetRule(GRACE_SECONDS), ['restartable-init-1']);
  });

  it('fails when a sidecar is killed 3 s before the grace period ran out', () => {
    const results = check(exitAt(timeline, 'restartable-init-1', 2000));
    const broken = onlyBroken(results, expiryRule(results), ['restartable-init-1']);
    expect(broken.actual).toMatch(/restartable-init-1 was killed before its grace period ran out/);
  });
});
