import { describe, expect, it } from 'vitest';
import { runSettings } from '../../run/settings.js';
import { lineOf, logLine } from '../../testing/lines.js';
import { patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  exitRecord,
  moveRecord,
  recordedRun,
  rulesWith,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import {
  HOOK_MS,
  SIDECAR_STOP_MS,
  sidecarPrestopsSimultaneous,
  TOGETHER_MS,
} from './sidecar-prestops-simultaneous.js';

const { fixture, timeline } = await recordedRun('sidecar-prestops-simultaneous');
const check = (t = timeline) => checkScenario(sidecarPrestopsSimultaneous, fixture, t);
const [S1, S2, S3] = ['restartable-init-1', 'restartable-init-2', 'restartable-init-3'];
const APP = 'regular-1';
const MAX_GAP = SIDECAR_STOP_MS + HOOK_MS + runSettings().shutdownToleranceMs;
const gapRule = (first: string, then: string) =>
  `${then} stops ${SIDECAR_STOP_MS}–${MAX_GAP} ms after ${first}`;
const hookRule = (c: string) =>
  `${c}'s preStop hook ends before ${c} handles SIGTERM, in ≥ 1 stopped instance`;
const exitBy = (t: typeof timeline, container: string, deltaMs: number) =>
  moveRecord(t, exitRecord(t, container), exitRecord(t, container).ns + msToNs(deltaMs));

describe('sidecar-prestops-simultaneous (upstream C18)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
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

  it.each([
    {
      what: 'the app exits 2 s later, too close to the last sidecar',
      first: APP,
      then: S3,
      mutate: () => exitBy(timeline, APP, 2000),
    },
    {
      what: 'restartable-init-2 exits 0.5 s early, too close to restartable-init-3',
      first: S3,
      then: S2,
      mutate: () => exitBy(timeline, S2, -500),
    },
    {
      what: 'restartable-init-1 exits 3.5 s late',
      first: S2,
      then: S1,
      mutate: () => exitBy(timeline, S1, 3500),
    },
  ])('fails when $what', ({ first, then, mutate }) => {
    const results = check(mutate());
    expect(rulesWith(results)).toEqual([gapRule(first, then)]);
    expectBroken(results, gapRule(first, then), [first, then]);
  });

  it.each([S1, S2, S3, APP])('fails when the status says %s exited 1', (container) => {
    const failed = patchRecords(timeline, where({ kind: 'terminated', source: 'status', container }), {
      exitCode: 1,
      reason: 'Error',
    });
    const rule = `${container} ends Completed with exit code 0`;
    expect(rulesWith(check(failed))).toEqual([rule]);
    expectBroken(check(failed), rule, [container]);
  });

  it('fails when one hook runs 1.5 s after the others', () => {
    const later = shiftRecords(timeline, logLine(S1, /preStop/), msToNs(TOGETHER_MS + 500));
    const rule = `the preStop hooks of ${S1}, ${S2}, ${S3} start within ${TOGETHER_MS} ms of each other`;
    expect(rulesWith(check(later))).toEqual([rule]);
    expect(expectBroken(check(later), rule, [S1, S2, S3]).measurement?.value).toBeGreaterThan(TOGETHER_MS);
  });

  it.each([S1, S2, S3])('fails when %s handles SIGTERM inside its preStop hook', (container) => {
    const start = lineOf(timeline, container, /preStop start/);
    const sigterm = lineOf(timeline, container, /got SIGTERM/);
    const early = moveRecord(timeline, sigterm, start.ns + 1_000_000n);
    expect(rulesWith(check(early))).toEqual([hookRule(container)]);
    expectBroken(check(early), hookRule(container), [container]);
  });
});
