import { describe, expect, it } from 'vitest';
import { dropRecords, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import {
  KILL_WINDOW,
  KILLED,
  RESTART_WITHIN_MS,
  sidecarProbeLevelGrace,
} from './sidecar-probe-level-grace.js';

const { fixture, timeline } = await recordedRun('sidecar-probe-level-grace');
const check = (t = timeline) => checkScenario(sidecarProbeLevelGrace, fixture, t);
const exitRule = (c: string) =>
  `${c} exits ${KILL_WINDOW.minMs}–${KILL_WINDOW.maxMs} ms after it logs /got SIGTERM/, with exit code ${KILLED}`;
const restartRule = (c: string) =>
  `${c} starts again within ${RESTART_WITHIN_MS} ms after it logs /got SIGTERM/`;
const ofInstance =
  (container: string, kind: TimelineRecord['kind'], restartCount: number) => (r: TimelineRecord) =>
    r.container === container && r.kind === kind && r.source === 'runtime' && r.restartCount === restartCount;
const cases = [
  { container: 'liveness-grace', probe: 'liveness' },
  { container: 'startup-grace', probe: 'startup' },
];

describe('sidecar-probe-level-grace (upstream P9)', () => {
  it('passes every rule on the recorded run, with the kill 5 s after SIGTERM', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    for (const { container } of cases) {
      const measured = check().find((r) => r.rule === exitRule(container))?.measurement?.value ?? 0;
      expect(measured).toBeGreaterThanOrEqual(5000);
    }
  });

  it.each(cases)('fails when no $probe kill of $container is announced', ({ container, probe }) => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container })));
    const rule = `a Killing event names ${container} with a message matching /failed ${probe} probe/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(cases)(
    'fails when $container gets the Pod’s long grace (SIGKILL 30 s after SIGTERM)',
    ({ container }) => {
      const results = check(shiftRecords(timeline, ofInstance(container, 'terminated', 0), seconds(25)));
      expect(rulesWith(results)).toEqual([exitRule(container)]);
      expect(expectBroken(results, exitRule(container), [container]).measurement?.value).toBeGreaterThan(
        KILL_WINDOW.maxMs,
      );
    },
  );

  it.each(cases)('fails when $container ends by itself (exit 0), not by SIGKILL', ({ container }) => {
    const results = check(patchRecords(timeline, ofInstance(container, 'terminated', 0), { exitCode: 0 }));
    expect(rulesWith(results)).toEqual([exitRule(container)]);
    expect(expectBroken(results, exitRule(container), [container]).actual).toContain(
      `exit code 0, not ${KILLED}`,
    );
  });

  it.each(cases)('fails when $container is not started again in time', ({ container }) => {
    const late = (r: TimelineRecord) =>
      r.container === container && r.kind === 'started' && r.source !== 'event' && r.restartCount === 1;
    const results = check(shiftRecords(timeline, late, seconds(60)));
    expect(rulesWith(results)).toEqual([restartRule(container)]);
    expectBroken(results, restartRule(container), [container]);
  });

  it('fails, saying what never came, when the killed instance’s exit was never seen', () => {
    const blind = dropRecords(
      timeline,
      (r) => r.container === 'liveness-grace' && (r.kind === 'terminated' || r.kind === 'restarted'),
    );
    const results = check(blind);
    expect(rulesWith(results)).toEqual([exitRule('liveness-grace')]);
    expect(expectBroken(results, exitRule('liveness-grace'), ['liveness-grace']).missing).toEqual([
      'the exit of that instance',
    ]);
  });
});
