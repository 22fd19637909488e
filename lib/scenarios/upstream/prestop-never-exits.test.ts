import { describe, expect, it } from 'vitest';
import { lineOf, logLine } from '../../testing/lines.js';
import { addRecord, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  exitRecord,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import { LIFETIME_MS, LIFETIME_TOLERANCE_MS, prestopNeverExits, TOGETHER_MS } from './prestop-never-exits.js';

const { fixture, timeline } = await recordedRun('prestop-never-exits');
const check = (t = timeline) => checkScenario(prestopNeverExits, fixture, t);
const [S1, S2, S3] = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3'];
const APP = 'regular-1';
const MIN = LIFETIME_MS - LIFETIME_TOLERANCE_MS;
const MAX = LIFETIME_MS + LIFETIME_TOLERANCE_MS;
const lifetimeRule = (c: string) =>
  `${c}'s preStop hook lives ${MIN}–${MAX} ms, from /preStop start/ until its last /preStop looping/ line`;
const expiryRule = (results: { rule: string }[]) =>
  results.find((r) => /grace period ran out/.test(r.rule))!.rule;

describe('prestop-never-exits (upstream C17)', () => {
  it('passes every rule on the recorded run, each hook living grace + 2 s', () => {
    const results = check();
    expect(rulesWith(results, 'fail')).toEqual([]);
    expect(rulesWith(results, 'undecided')).toEqual([]);
    for (const c of [S1, S2, S3]) {
      const lifetime = results.find((r) => r.rule === lifetimeRule(c))?.measurement?.value;
      expect(Math.abs((lifetime ?? 0) - LIFETIME_MS)).toBeLessThanOrEqual(LIFETIME_TOLERANCE_MS);
    }
  });

  it.each([
    [S1, S2],
    [S2, S3],
    [S3, APP],
  ])('fails when %s and %s start in swapped order', (first, then) => {
    const swapped = swapTimes(timeline, startRecord(timeline, first), startRecord(timeline, then));
    const rule = `${first} starts before ${then}`;
    expect(rulesWith(check(swapped))).toEqual([rule]);
    expectBroken(check(swapped), rule, [first, then]);
  });

  it.each([S1, S2, S3])('fails when the status says %s exited 0', (container) => {
    const graceful = patchRecords(
      timeline,
      (r) => r.kind === 'terminated' && r.source === 'status' && r.container === container,
      { exitCode: 0, reason: 'Completed' },
    );
    const rule = `${container} ends Error with exit code 137`;
    expect(rulesWith(check(graceful))).toEqual([rule]);
    expectBroken(check(graceful), rule, [container]);
  });

  it('fails when the status says the app failed', () => {
    const failed = patchRecords(timeline, where({ kind: 'terminated', source: 'status', container: APP }), {
      exitCode: 1,
      reason: 'Error',
    });
    const rule = `${APP} ends Completed with exit code 0`;
    expect(rulesWith(check(failed))).toEqual([rule]);
    expectBroken(check(failed), rule, [APP]);
  });

  it('fails when one hook is cut off 1.5 s before the others (its lifetime unchanged)', () => {
    const earlier = shiftRecords(timeline, logLine(S1, /preStop/), -msToNs(TOGETHER_MS + 500));
    const rule = `the preStop hooks of ${S1}, ${S2}, ${S3} log their last line within ${TOGETHER_MS} ms of each other`;
    expect(rulesWith(check(earlier))).toEqual([rule]);
    expect(expectBroken(check(earlier), rule, [S1, S2, S3]).measurement?.value).toBeGreaterThan(TOGETHER_MS);
  });

  it.each([S1, S2, S3])("fails when %s's hook started 3 s earlier, living too long", (container) => {
    const start = lineOf(timeline, container, /preStop start/);
    const longer = moveRecord(timeline, start, start.ns - seconds(3));
    expect(rulesWith(check(longer))).toEqual([lifetimeRule(container)]);
    expect(
      expectBroken(check(longer), lifetimeRule(container), [container]).measurement?.value,
    ).toBeGreaterThan(MAX);
  });

  it('fails when a sidecar is killed 10 s after the grace period ran out', () => {
    const late = moveRecord(timeline, exitRecord(timeline, S1), exitRecord(timeline, S1).ns + seconds(10));
    const results = check(late);
    expect(rulesWith(results)).toEqual([expiryRule(results)]);
    expect(expectBroken(results, expiryRule(results), [S1]).actual).toMatch(/was stopped more than/);
  });

  it('fails when the Pod ends Failed', () => {
    const failed = addRecord(timeline, {
      source: 'status',
      kind: 'pod-phase',
      reason: 'Failed',
      ns: endNs(timeline) + 1_000_000n,
    });
    expect(rulesWith(check(failed))).toEqual(['Pod phase is Succeeded']);
    expectBroken(check(failed), 'Pod phase is Succeeded', ['Succeeded', 'Failed']);
  });
});
