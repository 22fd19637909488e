import { describe, expect, it } from 'vitest';
import { runSettings } from '../../run/settings.js';
import { addRecord, bySeq, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import { APP_RUN_MS, exit, RUNTIME_START_SLACK_MS } from './exit.js';
import { SIGTERM_DELAY_MS } from './order.js';

const { fixture, timeline } = await recordedRun('exit');
const check = (t = timeline) => checkScenario(exit, fixture, t);
const tolerance = runSettings().shutdownToleranceMs;
const firstGap = `second-sidecar stops ${SIGTERM_DELAY_MS}–${SIGTERM_DELAY_MS + tolerance} ms after app`;
const isExit = where({ kind: ['log', 'terminated'] });

describe('exit (File 3)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecars exit before the app', () => {
    const sidecarExits = (r: Parameters<typeof isExit>[0]) => isExit(r) && r.container !== 'app';
    const results = check(shiftRecords(timeline, sidecarExits, -seconds(8)));
    expect(rulesWith(results)).toEqual(['app exits before second-sidecar', firstGap]);
    expectBroken(results, 'app exits before second-sidecar', ['app', 'second-sidecar']);
  });

  it('fails when second-sidecar stops only 2 s after the app', () => {
    const second = exitRecord(timeline, 'second-sidecar');
    const results = check(moveRecord(timeline, second, exitRecord(timeline, 'app').ns + msToNs(2000)));
    // first-sidecar's gap from second-sidecar grows by the same amount and stays under its bound or not:
    expect(rulesWith(results)).toContain(firstGap);
    expect(expectBroken(results, firstGap, ['app', 'second-sidecar']).measurement?.value).toBe(2000);
  });

  it('fails when the app runs 6 s instead of 3 s', () => {
    // Every exit moves 3 s later: the order and the gaps stay as recorded, only the run time breaks.
    const rule = `app runs ${APP_RUN_MS - RUNTIME_START_SLACK_MS}–${APP_RUN_MS + tolerance} ms from start to exit`;
    const results = check(shiftRecords(timeline, isExit, seconds(3)));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['app']).measurement?.value).toBeGreaterThan(APP_RUN_MS + tolerance);
  });

  it('fails when the Pod ends Failed instead of Succeeded', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1)!;
    const results = check(patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(rulesWith(results)).toEqual(['Pod phase is Succeeded']);
    expectBroken(results, 'Pod phase is Succeeded', ['Failed', '<pod>']);
  });

  it.each([
    { container: 'app', reason: 'Error', exitCode: 1 },
    { container: 'first-sidecar', reason: 'Error', exitCode: 143 },
  ])('fails when $container terminates $reason with exit $exitCode', ({ container, reason, exitCode }) => {
    const results = check(
      patchRecords(timeline, where({ kind: 'terminated', container, source: 'status' }), {
        reason,
        exitCode,
      }),
    );
    const rule = `${container} ends Completed with exit code 0`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, [container]).actual).toContain(`reason ${reason}, exit ${exitCode}`);
  });

  it('fails when a sidecar is still ready at the end', () => {
    const notReady = timeline.find({ kind: 'not-ready', container: 'second-sidecar' }).at(-1)!;
    const results = check(addRecord(timeline, { ...notReady, kind: 'ready', ns: notReady.ns + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['READY 0/3']);
    expect(expectBroken(results, 'READY 0/3', ['second-sidecar']).actual).toBe('1/3 ready (second-sidecar)');
  });

  it('fails when the kubelet kills the app instead of letting it finish', () => {
    const killing = timeline.find({ kind: 'killing' })[0]!;
    const results = check(
      addRecord(timeline, { ...killing, container: 'app', message: 'Stopping container app' }),
    );
    expect(rulesWith(results)).toEqual(['no Killing event names app']);
    expectBroken(results, 'no Killing event names app', ['app', 'Stopping container app']);
  });

  it('fails when the app runs clearly less than its 3 s sleep', () => {
    const start = timeline.first({ kind: 'started', container: 'app', source: 'runtime' })!;
    const rule = `app runs ${APP_RUN_MS - RUNTIME_START_SLACK_MS}–${APP_RUN_MS + tolerance} ms from start to exit`;
    const results = check(moveRecord(timeline, exitRecord(timeline, 'app'), start.ns + msToNs(2600)));
    expect(rulesWith(results)).toContain(rule);
    expect(expectBroken(results, rule, ['app']).measurement?.value).toBe(2600);
  });
});
