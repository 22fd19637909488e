import { describe, expect, it } from 'vitest';
import { addRecord, endNs, shiftRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import {
  RESTART_WITHIN_MS,
  RUNNING_WITHIN_MS,
  startupRecoversUnderNever,
} from './startup-recovers-under-never.js';

const { fixture, timeline } = await recordedRun('startup-recovers-under-never');
const check = (t = timeline) => checkScenario(startupRecoversUnderNever, fixture, t);
const SIDECAR = 'buggy-restartable-init';
const APP = 'regular-container';
const atEnd = () => ({ ns: endNs(timeline) + 1_000_000n });

describe('startup-recovers-under-never (upstream C9)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar is restarted only after 90 s', () => {
    const late = shiftRecords(
      timeline,
      (r) =>
        r.container === SIDECAR &&
        (r.kind === 'started' || r.kind === 'restarted') &&
        (r.restartCount ?? 0) >= 1,
      seconds(100),
    );
    const rule = `${SIDECAR} has restarted ≥ 1 time within ${RESTART_WITHIN_MS} ms of the Pod being applied`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expectBroken(check(late), rule, [SIDECAR]);
  });

  it('fails when the status shows the app running before the sidecar reported started', () => {
    const passed = timeline.first({ kind: 'startup-passed', container: SIDECAR })!;
    const running = timeline.first({ kind: 'started', container: APP, source: 'status' })!;
    const late = moveRecord(timeline, passed, running.observedNs + 1_000_000n);
    const rule = `${APP} starts only after ${SIDECAR} reported started: true`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expectBroken(check(late), rule, [SIDECAR, APP]);
  });

  it('fails when the app is not ready at the end', () => {
    const unready = addRecord(timeline, { source: 'status', kind: 'not-ready', container: APP, ...atEnd() });
    expect(rulesWith(check(unready))).toEqual(['READY 2/2']);
    expectBroken(check(unready), 'READY 2/2', [SIDECAR, APP]);
  });

  it('fails when the Pod does not end Running', () => {
    const failed = addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Failed', ...atEnd() });
    const rule = `Pod reaches phase Running within ${RUNNING_WITHIN_MS} ms of being applied`;
    expect(rulesWith(check(failed))).toEqual([rule]);
    expectBroken(check(failed), rule, ['Running', 'Failed']);
  });
});
