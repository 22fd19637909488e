import { describe, expect, it } from 'vitest';
import { graceExpiryOf } from '../../assert/termination.js';
import { runSettings } from '../../run/settings.js';
import { lineOf, logLine } from '../../testing/lines.js';
import { patchRecords, shiftRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import type { Timeline } from '../../timeline/timeline.js';
import { APP, CONTAINERS } from './grace-rules.js';
import {
  budgetRule,
  endsIn,
  expiryRule,
  onlyBroken,
  overBudget,
  statusExit,
} from '../../testing/grace-row-check.js';
import {
  GRACE_SECONDS,
  HOOK_LIFETIME_MS,
  HOOK_START_LAG_MS,
  LIFETIME_TOLERANCE_MS,
  sidecarPrestopExceedsGraceSucceeds,
} from './sidecar-prestop-exceeds-grace-succeeds.js';

const { fixture, timeline } = await recordedRun('sidecar-prestop-exceeds-grace-succeeds');
const check = (t = timeline) => checkScenario(sidecarPrestopExceedsGraceSucceeds, fixture, t);
const [S1, S2, S3] = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3'];
const sigtermRule = `${S2} handles SIGTERM ${GRACE_SECONDS * 1000 - HOOK_START_LAG_MS}–${GRACE_SECONDS * 1000 + runSettings().shutdownToleranceMs} ms after its preStop hook starts`;
const lifetimeRule = `${S2}'s preStop hook lives ${HOOK_LIFETIME_MS - LIFETIME_TOLERANCE_MS}–${HOOK_LIFETIME_MS + LIFETIME_TOLERANCE_MS} ms, from /preStop start/ until ${S2} exits`;
const hookRule = (c: string) =>
  `${c}'s preStop hook ends before ${c} handles SIGTERM, in ≥ 1 stopped instance`;

/**
 * restartable-init-2's whole shutdown (hook, SIGTERM, kill) as if it came early enough to end 0.5 s
 * before the budget's end, and restartable-init-3 stopping 0.2 s before it: restartable-init-2 is
 * still killed at the budget's end (within its 1 s of whole-second slack), its hook as long, but it
 * goes before restartable-init-3, which the budget had not stopped.
 */
function beforeItsTurn(t: Timeline): Timeline {
  const expiryNs = graceExpiryOf(t, {
    graceSeconds: GRACE_SECONDS,
    containers: CONTAINERS,
    apps: [APP],
  })!.expiryNs;
  const exit = exitRecord(t, S2);
  const deltaNs = expiryNs - msToNs(500) - exit.ns;
  const early = shiftRecords(
    t,
    (r) => r.seq === exit.seq || logLine(S2, /preStop start|got SIGTERM/)(r),
    deltaNs,
  );
  return moveRecord(early, exitRecord(early, S3), expiryNs - msToNs(200));
}

describe('sidecar-prestop-exceeds-grace-succeeds (upstream C26)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod ends Failed', () => {
    onlyBroken(check(endsIn(timeline, 'Failed')), 'Pod phase is Succeeded', ['Succeeded', 'Failed']);
  });

  it.each([
    [S1, 137, 'Completed', 0],
    [S2, 0, 'Error', 137],
    [S3, 1, 'Completed', 0],
    [APP, 137, 'Completed', 0],
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

  it('fails when the slow sidecar is stopped before restartable-init-3', () => {
    onlyBroken(check(beforeItsTurn(timeline)), `${S3} exits before ${S2}`, [S2, S3]);
  });

  it('fails when the last container stops beyond grace + 2 s + tolerance', () => {
    onlyBroken(check(overBudget(timeline, GRACE_SECONDS)), budgetRule(GRACE_SECONDS), [S1]);
  });

  it('fails when the runtime reports a quick sidecar killed (137) before the grace period ran out', () => {
    const exit = exitRecord(timeline, S3);
    const results = check(
      patchRecords(timeline, (r) => r.seq === exit.seq, { exitCode: 137, reason: 'Error' }),
    );
    const broken = onlyBroken(results, expiryRule(results), [S3]);
    expect(broken.actual).toMatch(/restartable-init-3 was killed before its grace period ran out/);
  });

  it("fails when the slow sidecar gets SIGTERM 2 s before its hook's budget is spent", () => {
    const sigterm = lineOf(timeline, S2, /got SIGTERM/);
    onlyBroken(check(moveRecord(timeline, sigterm, sigterm.ns - seconds(2))), sigtermRule, [S2]);
  });

  it('fails when the slow sidecar is killed 2 s sooner than grace + 2 s after its hook started', () => {
    const sooner = moveRecord(timeline, exitRecord(timeline, S2), exitRecord(timeline, S2).ns - seconds(2));
    onlyBroken(check(sooner), lifetimeRule, [S2]);
  });

  it.each([S1, S3])('fails when %s handles SIGTERM inside its preStop hook', (container) => {
    const start = lineOf(timeline, container, /preStop start/);
    const sigterm = lineOf(timeline, container, /got SIGTERM/);
    onlyBroken(check(moveRecord(timeline, sigterm, start.ns + 1_000_000n)), hookRule(container), [container]);
  });
});
