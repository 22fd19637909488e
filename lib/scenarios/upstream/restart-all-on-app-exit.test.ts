import { describe, expect, it } from 'vitest';
import { addRecord, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { restartAllOnAppExit } from './restart-all-on-app-exit.js';
import { ALL_RESTARTED_WITHIN_MS, RUNNING_AGAIN_WITHIN_MS } from './restart-all-steps.js';

const { fixture, timeline } = await recordedRun('restart-all-on-app-exit');
const check = (t = timeline) => checkScenario(restartAllOnAppExit, fixture, t);
const SOURCE = 'source-container';
const ALL = ['init', 'sidecar', SOURCE, 'regular'];
const allRule = `${ALL.join(', ')} each start again after ${SOURCE} exits 42, the last within ${RUNNING_AGAIN_WITHIN_MS} ms`;
/** The runtime's record of the container's instance after the restart of all (restartCount 1). */
const restarted = (container: string, kind: 'started' | 'terminated' = 'started'): TimelineRecord =>
  timeline.find({ kind, container, source: 'runtime' }).find((r) => r.restartCount === 1)!;
const exit42 = () => timeline.find({ kind: 'terminated', container: SOURCE, source: 'runtime' })[0]!;

describe('restart-all-on-app-exit (upstream X1, restartPolicy Never)', () => {
  it('passes every rule on the recorded run, measuring the restart of all', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    const all = check().find((a) => a.rule === allRule)!;
    // Recorded on v1.37.2: init again 5.17 s after the exit 42, the last app 6.85 s after it.
    expect(all.measurement?.value).toBe(Math.round(Number(restarted('regular').ns - exit42().ns) / 1e6));
    expect(all.measurement?.value).toBeLessThan(10_000);
  });

  it('fails when regular restarts only after upstream’s 3 minutes', () => {
    const late = shiftRecords(
      timeline,
      (r) => r.container === 'regular' && r.restartCount === 1 && r.source !== 'event',
      seconds(181),
    );
    const rule = `regular has restarted ≥ 1 time within ${ALL_RESTARTED_WITHIN_MS} ms of the Pod being applied`;
    const results = check(late);
    expect(rulesWith(results)).toEqual([rule, allRule]);
    expectBroken(results, rule, ['regular']);
    expect(expectBroken(results, allRule, ['regular', SOURCE]).actual).toContain('the last, regular,');
  });

  it.each(ALL)('fails when %s’s status keeps no last termination', (container) => {
    const bare = patchRecords(timeline, where({ kind: 'restarted', container }), {
      reason: undefined,
      exitCode: undefined,
    });
    const rule = `${container}'s status keeps a last termination state when it restarts`;
    expect(rulesWith(check(bare))).toEqual([rule]);
    expectBroken(check(bare), rule, [container]);
  });

  it('fails when init was restarted before the exit 42', () => {
    const early = moveRecord(timeline, restarted('init'), exit42().ns - seconds(1));
    expect(rulesWith(check(early))).toEqual([allRule]);
    expect(expectBroken(check(early), allRule, ['init', SOURCE]).actual).toContain(
      'init started again before the exit',
    );
  });

  it('fails when the source container never exited 42', () => {
    const code1 = patchRecords(timeline, where({ kind: 'terminated', container: SOURCE }), { exitCode: 1 });
    expect(rulesWith(check(code1))).toEqual([allRule]);
    expect(expectBroken(check(code1), allRule, [SOURCE]).missing).toEqual([`an exit 42 of ${SOURCE}`]);
  });

  it('fails when the restarted sidecar starts before the restarted init completed', () => {
    const overlap = moveRecord(
      timeline,
      restarted('init', 'terminated'),
      restarted('sidecar').ns + 1_000_000n,
    );
    const rule = 'init (restarted) exits before sidecar (restarted) starts';
    expect(rulesWith(check(overlap))).toEqual([rule]);
    expectBroken(check(overlap), rule, ['init', 'sidecar']);
  });

  it.each([SOURCE, 'regular'])('fails when %s (restarted) starts before the restarted sidecar', (app) => {
    const early = moveRecord(timeline, restarted(app), restarted('sidecar').ns - 1_000_000n);
    const rule = `sidecar (restarted) starts before ${app} (restarted) starts`;
    expect(rulesWith(check(early))).toEqual([rule]);
    expectBroken(check(early), rule, ['sidecar', app]);
  });

  it('fails when the restarted source container stops again', () => {
    const stopped = addRecord(timeline, {
      ...restarted(SOURCE),
      kind: 'terminated',
      exitCode: 1,
      ns: endNs(timeline) - seconds(1),
    });
    const rule = `${SOURCE} is running at the end of the observation`;
    expect(rulesWith(check(stopped))).toEqual([rule]);
    expectBroken(check(stopped), rule, [SOURCE]);
  });

  it('fails when regular is removed again by a second restart of all', () => {
    const first = timeline.find({ kind: 'restarted', container: 'regular' })[0]!;
    const again = addRecord(timeline, { ...first, restartCount: 2, ns: endNs(timeline) - seconds(1) });
    const rule = 'regular is running at the end of the observation';
    expect(rulesWith(check(again))).toEqual([rule]);
    expect(expectBroken(check(again), rule, ['regular']).actual).toContain('its instance never seen running');
  });
});
