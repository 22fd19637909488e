import { describe, expect, it } from 'vitest';
import { addRecord, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { restartAllOnInitExit } from './restart-all-on-init-exit.js';
import { ALL_RESTARTED_WITHIN_MS, RUNNING_AGAIN_WITHIN_MS } from './restart-all-steps.js';

const { fixture, timeline } = await recordedRun('restart-all-on-init-exit');
const check = (t = timeline) => checkScenario(restartAllOnInitExit, fixture, t);
const SOURCE = 'source-init';
const RESTARTED = ['sidecar', 'init', SOURCE];
const allRule = `${RESTARTED.join(', ')} each start again after ${SOURCE} exits 42, the last within ${RUNNING_AGAIN_WITHIN_MS} ms`;
/** The runtime's record of the container's instance after the restart of all (restartCount 1). */
const restarted = (container: string, kind: 'started' | 'terminated' = 'started'): TimelineRecord =>
  timeline.find({ kind, container, source: 'runtime' }).find((r) => r.restartCount === 1)!;
const exit42 = () => timeline.find({ kind: 'terminated', container: SOURCE, source: 'runtime' })[0]!;

describe('restart-all-on-init-exit (upstream X3, restartPolicy Never)', () => {
  it('passes every rule on the recorded run, measuring the restart of all', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    const all = check().find((a) => a.rule === allRule)!;
    expect(all.measurement?.value).toBe(Math.round(Number(restarted(SOURCE).ns - exit42().ns) / 1e6));
  });

  it('fails when the sidecar restarts only after upstream’s 3 minutes', () => {
    const late = shiftRecords(
      timeline,
      (r) => r.container === 'sidecar' && r.restartCount === 1 && r.source !== 'event',
      seconds(181),
    );
    const rule = `sidecar has restarted ≥ 1 time within ${ALL_RESTARTED_WITHIN_MS} ms of the Pod being applied`;
    // The late sidecar now also comes up after the init container it must precede.
    const order = 'sidecar (restarted) starts before init (restarted) starts';
    expect(rulesWith(check(late))).toEqual([rule, allRule, order]);
    expectBroken(check(late), rule, ['sidecar']);
    expect(expectBroken(check(late), allRule, ['sidecar', SOURCE]).actual).toContain('the last, sidecar,');
  });

  it.each(RESTARTED)('fails when %s’s status keeps no last termination', (container) => {
    const bare = patchRecords(timeline, where({ kind: 'restarted', container }), {
      reason: undefined,
      exitCode: undefined,
    });
    const rule = `${container}'s status keeps a last termination state when it restarts`;
    expect(rulesWith(check(bare))).toEqual([rule]);
    expectBroken(check(bare), rule, [container]);
  });

  it('fails when the sidecar was restarted before the exit 42', () => {
    const early = moveRecord(timeline, restarted('sidecar'), exit42().ns - seconds(1));
    expect(rulesWith(check(early))).toEqual([allRule]);
    expect(expectBroken(check(early), allRule, ['sidecar', SOURCE]).actual).toContain(
      'sidecar started again before the exit',
    );
  });

  it('fails when source-init never exited 42', () => {
    const code1 = patchRecords(
      timeline,
      (r) => where({ kind: 'terminated', container: SOURCE })(r) && r.exitCode === 42,
      { exitCode: 1 },
    );
    expect(rulesWith(check(code1))).toEqual([allRule]);
    expect(expectBroken(check(code1), allRule, [SOURCE]).missing).toEqual([`an exit 42 of ${SOURCE}`]);
  });

  it('fails when the restarted init container starts before the restarted sidecar', () => {
    const early = moveRecord(timeline, restarted('init'), restarted('sidecar').ns - 1_000_000n);
    const rule = 'sidecar (restarted) starts before init (restarted) starts';
    expect(rulesWith(check(early))).toEqual([rule]);
    expectBroken(check(early), rule, ['sidecar', 'init']);
  });

  it('fails when the restarted source-init starts before the restarted init completed', () => {
    const overlap = moveRecord(timeline, restarted('init', 'terminated'), restarted(SOURCE).ns + 1_000_000n);
    const rule = `init (restarted) exits before ${SOURCE} (restarted) starts`;
    expect(rulesWith(check(overlap))).toEqual([rule]);
    expectBroken(check(overlap), rule, ['init', SOURCE]);
  });

  it('fails when regular starts before source-init completed again', () => {
    const early = moveRecord(timeline, startRecord(timeline, 'regular'), restarted(SOURCE).ns);
    const rule = `${SOURCE} exits before regular starts`;
    expect(rulesWith(check(early))).toEqual([rule]);
    expectBroken(check(early), rule, [SOURCE, 'regular']);
  });

  it('fails when regular was created before the exit 42 and restarted with the rest', () => {
    const first = timeline.find({ kind: 'restarted', container: 'init' })[0]!;
    const again = addRecord(timeline, { ...first, container: 'regular', ns: endNs(timeline) - seconds(1) });
    const results = check(again);
    expect(rulesWith(results)).toEqual([
      'regular is never restarted',
      'regular is running at the end of the observation',
    ]);
    expectBroken(results, 'regular is never restarted', ['regular']);
  });

  it('fails when regular stops', () => {
    const stopped = addRecord(timeline, {
      ...startRecord(timeline, 'regular'),
      kind: 'terminated',
      exitCode: 1,
      ns: endNs(timeline) - seconds(1),
    });
    const rule = 'regular is running at the end of the observation';
    expect(rulesWith(check(stopped))).toEqual([rule]);
    expectBroken(check(stopped), rule, ['regular']);
  });
});
