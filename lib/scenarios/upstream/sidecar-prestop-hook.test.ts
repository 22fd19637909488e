import { describe, expect, it } from 'vitest';
import { addRecord, endNs } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { PRESTOP_LINE, WITHIN_MS, sidecarPrestopHook } from './sidecar-prestop-hook.js';

const { fixture, timeline } = await recordedRun('sidecar-prestop-hook');
const check = (t = timeline) => checkScenario(sidecarPrestopHook, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const line = () =>
  timeline.find({ kind: 'log', container: 'handler' }).find((r) => PRESTOP_LINE.test(r.message ?? ''))!;
const exit = (container: string) =>
  timeline.find({ kind: 'terminated', container, source: 'runtime' }).at(-1)!;
const lineRule = `handler logs /${PRESTOP_LINE.source}/ within ${WITHIN_MS} ms after the delete`;
const hookRule = `sidecar exits after handler logs /${PRESTOP_LINE.source}/`;

describe('sidecar-prestop-hook (upstream H2)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the request reaches the handler 31 s after the delete', () => {
    const deleted = timeline.first({ kind: 'delete-requested' })!;
    const results = check(moveRecord(timeline, deleted, line().ns - seconds(31)));
    expect(rulesWith(results)).toEqual([lineRule]);
    expect(expectBroken(results, lineRule, ['handler']).measurement?.value).toBeGreaterThan(WITHIN_MS);
  });

  it('fails when the sidecar exits before its hook’s request reached the handler', () => {
    const results = check(moveRecord(timeline, line(), exit('sidecar').ns + 10_000_000n));
    expect(rulesWith(results)).toEqual([hookRule]);
    expectBroken(results, hookRule, ['sidecar', 'handler']);
  });

  it('fails when the app exits after the sidecar', () => {
    const between = (exit('sidecar').ns + exit('handler').ns) / 2n;
    const results = check(moveRecord(timeline, exit('main'), between));
    expect(rulesWith(results)).toEqual(['main exits before sidecar']);
    expectBroken(results, 'main exits before sidecar', ['main', 'sidecar']);
  });

  it('fails when the handler exits before the sidecar', () => {
    const between = (line().ns + exit('sidecar').ns) / 2n;
    const results = check(moveRecord(timeline, exit('handler'), between));
    expect(rulesWith(results)).toEqual(['sidecar exits before handler']);
    expectBroken(results, 'sidecar exits before handler', ['sidecar', 'handler']);
  });

  it('fails on a FailedPreStopHook Event', () => {
    const results = check(
      addRecord(timeline, {
        source: 'event',
        kind: 'event',
        container: 'sidecar',
        reason: 'FailedPreStopHook',
        message: 'HTTP lifecycle hook (/echo?msg=prestop) for Container "sidecar" failed',
        ns: wholeSecond(endNs(timeline)),
        precision: 'second',
      }),
    );
    const rule = 'no FailedPreStopHook event names sidecar';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar', 'FailedPreStopHook']);
  });
});
