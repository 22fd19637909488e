import { describe, expect, it } from 'vitest';
import { lineOf } from '../../testing/lines.js';
import { dropRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import {
  livenessFailPrestopNextRuns,
  SIDECAR_RESTARTS,
  WITHIN_MS,
} from './liveness-fail-prestop-next-runs.js';

const { fixture, timeline } = await recordedRun('liveness-fail-prestop-next-runs');
const check = (t = timeline) => checkScenario(livenessFailPrestopNextRuns, fixture, t);
const SIDECAR = 'restartable-init-1';
const APP = 'regular-1';

describe('liveness-fail-prestop-next-runs (upstream C10)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each([
    [SIDECAR, SIDECAR_RESTARTS],
    [APP, 1],
  ])('fails when %s reaches %i restart(s) only after 2 minutes', (container, count) => {
    const late = shiftRecords(
      timeline,
      (r) =>
        r.container === container &&
        (r.kind === 'started' || r.kind === 'restarted') &&
        (r.restartCount ?? 0) >= count,
      seconds(200),
    );
    const rule = `${container} has restarted ≥ ${count} time${count === 1 ? '' : 's'} within ${WITHIN_MS} ms of the Pod being applied`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expectBroken(check(late), rule, [container]);
  });

  it('fails when the kubelet never says the liveness probe failed', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: SIDECAR })));
    const rule = `a Killing event names ${SIDECAR} with a message matching /failed liveness probe/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [SIDECAR]);
  });

  it('fails when SIGTERM comes before the preStop hook started', () => {
    const start = lineOf(timeline, SIDECAR, /preStop start/, 'first', 1);
    const sigterm = lineOf(timeline, SIDECAR, /got SIGTERM/, 'first', 1);
    const early = moveRecord(timeline, sigterm, start.ns - 1_000_000n);
    const rule = `${SIDECAR}'s preStop hook ends before ${SIDECAR} handles SIGTERM, in ≥ ${SIDECAR_RESTARTS} stopped instances`;
    expect(rulesWith(check(early))).toEqual([rule]);
    expect(expectBroken(check(early), rule, [SIDECAR]).actual).toMatch(/before the hook started/);
  });

  it('fails when the app starts before the sidecar', () => {
    const swapped = swapTimes(timeline, startRecord(timeline, SIDECAR), startRecord(timeline, APP));
    const rule = `${SIDECAR} starts before ${APP}`;
    expect(rulesWith(check(swapped))).toEqual([rule]);
    expectBroken(check(swapped), rule, [SIDECAR, APP]);
  });
});
