import { describe, expect, it } from 'vitest';
import { runSettings } from '../../run/settings.js';
import { lineOf } from '../../testing/lines.js';
import {
  checkScenario,
  exitRecord,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import {
  appPrestopExceedsGraceFailed,
  GRACE_SECONDS,
  HOOK_LIFETIME_MS,
  HOOK_START_LAG_MS,
  LIFETIME_TOLERANCE_MS,
} from './app-prestop-exceeds-grace-failed.js';
import {
  budgetRule,
  endsIn,
  exitAt,
  expiryRule,
  onlyBroken,
  overBudget,
  statusExit,
} from '../../testing/grace-row-check.js';

const { fixture, timeline } = await recordedRun('app-prestop-exceeds-grace-failed');
const check = (t = timeline) => checkScenario(appPrestopExceedsGraceFailed, fixture, t);
const APP = 'regular-1';
const sigtermRule = `${APP} handles SIGTERM ${GRACE_SECONDS * 1000 - HOOK_START_LAG_MS}–${GRACE_SECONDS * 1000 + runSettings().shutdownToleranceMs} ms after its preStop hook starts`;
const lifetimeRule = `${APP}'s preStop hook lives ${HOOK_LIFETIME_MS - LIFETIME_TOLERANCE_MS}–${HOOK_LIFETIME_MS + LIFETIME_TOLERANCE_MS} ms, from /preStop start/ until ${APP} exits`;

describe('app-prestop-exceeds-grace-failed (upstream C25)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Succeeded', () => {
    onlyBroken(check(endsIn(timeline, 'Succeeded')), 'Pod phase is Failed', ['Failed', 'Succeeded']);
  });

  it.each([
    ['restartable-init-1', 137, 'Completed', 0],
    ['restartable-init-2', 0, 'Error', 137],
    ['restartable-init-3', 1, 'Completed', 0],
    [APP, 0, 'Error', 137],
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

  it('fails when the slow sidecar is killed 3 s before the grace period ran out', () => {
    const results = check(exitAt(timeline, 'restartable-init-2', 2000));
    const broken = onlyBroken(results, expiryRule(results), ['restartable-init-2']);
    expect(broken.actual).toMatch(/restartable-init-2 was killed before its grace period ran out/);
  });

  it("fails when the app gets SIGTERM 2 s before its hook's budget is spent", () => {
    const sigterm = lineOf(timeline, APP, /got SIGTERM/);
    onlyBroken(check(moveRecord(timeline, sigterm, sigterm.ns - seconds(2))), sigtermRule, [APP]);
  });

  it('fails when the app is killed 2 s sooner than grace + 2 s after its hook started', () => {
    const sooner = moveRecord(timeline, exitRecord(timeline, APP), exitRecord(timeline, APP).ns - seconds(2));
    onlyBroken(check(sooner), lifetimeRule, [APP]);
  });
});
