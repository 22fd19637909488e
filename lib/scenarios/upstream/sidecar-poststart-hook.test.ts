import { describe, expect, it } from 'vitest';
import { addRecord, endNs } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  startRecord,
} from '../../testing/scenario-check.js';
import { POSTSTART_LINE, WITHIN_MS, sidecarPoststartHook } from './sidecar-poststart-hook.js';

const { fixture, timeline } = await recordedRun('sidecar-poststart-hook');
const check = (t = timeline) => checkScenario(sidecarPoststartHook, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const line = () =>
  timeline.find({ kind: 'log', container: 'handler' }).find((r) => POSTSTART_LINE.test(r.message ?? ''))!;
const lineRule = `handler logs /${POSTSTART_LINE.source}/ within ${WITHIN_MS} ms after sidecar started`;
const gateRule = `main starts after handler logs /${POSTSTART_LINE.source}/`;

describe('sidecar-poststart-hook (upstream H1)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the handler served the request before the sidecar started', () => {
    const results = check(moveRecord(timeline, line(), startRecord(timeline, 'sidecar').ns - 5_000_000n));
    expect(rulesWith(results)).toEqual([lineRule]);
    expect(expectBroken(results, lineRule, ['handler', 'sidecar']).actual).toContain('came before');
  });

  it('fails when the app starts before the hook’s request reached the handler', () => {
    const start = timeline.first({ kind: 'started', container: 'main', source: 'runtime' })!;
    const results = check(moveRecord(timeline, start, line().ns - 1_000_000n));
    expect(rulesWith(results)).toEqual([gateRule]);
    expectBroken(results, gateRule, ['main', 'handler']);
  });

  it('fails on a FailedPostStartHook Event', () => {
    const results = check(
      addRecord(timeline, {
        source: 'event',
        kind: 'event',
        container: 'sidecar',
        reason: 'FailedPostStartHook',
        message: 'HTTP lifecycle hook (/echo?msg=poststart) for Container "sidecar" failed',
        ns: wholeSecond(endNs(timeline)),
        precision: 'second',
      }),
    );
    const rule = 'no FailedPostStartHook event names sidecar';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar', 'FailedPostStartHook']);
  });

  it('fails when the sidecar restarts', () => {
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'restarted',
        container: 'sidecar',
        restartCount: 1,
        ns: wholeSecond(endNs(timeline)),
        precision: 'second',
      }),
    );
    expect(rulesWith(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });
});
