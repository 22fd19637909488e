import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import {
  PROBE_WARNING,
  WINDOW_MS,
  sidecarLivenessPassNoRestart,
} from './sidecar-liveness-pass-no-restart.js';

const { fixture, timeline } = await recordedRun('sidecar-liveness-pass-no-restart');
const check = (t = timeline) => checkScenario(sidecarLivenessPassNoRestart, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const SIDECARS = ['sidecar-tcp', 'sidecar-http', 'sidecar-redirect'];

describe('sidecar-liveness-pass-no-restart (upstream P4)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  for (const container of SIDECARS) {
    it(`fails when ${container} restarts`, () => {
      const results = check(
        addRecord(timeline, {
          source: 'status',
          kind: 'restarted',
          container,
          restartCount: 1,
          ns: wholeSecond(endNs(timeline)),
          precision: 'second',
        }),
      );
      const rule = `${container} is never restarted, watched ≥ ${WINDOW_MS} ms after it started`;
      expect(rulesWith(results)).toEqual([rule]);
      expectBroken(results, rule, [container]);
    });

    it(`fails when ${container} is killed for its liveness probe`, () => {
      const results = check(
        addRecord(timeline, {
          source: 'event',
          kind: 'killing',
          container,
          reason: 'Killing',
          message: `Init container ${container} failed liveness probe, will be restarted`,
          ns: wholeSecond(endNs(timeline)),
          precision: 'second',
        }),
      );
      const rule = `no Killing event names ${container} with a message matching /failed liveness probe/`;
      expect(rulesWith(results)).toEqual([rule]);
      expect(expectBroken(results, rule, [container, 'failed liveness probe']).measurement?.value).toBe(1);
    });
  }

  it('fails when the redirect server never logs the probe’s request', () => {
    const results = check(
      dropRecords(
        timeline,
        (r) => r.kind === 'log' && r.container === 'sidecar-redirect' && /\/redirect/.test(r.message ?? ''),
      ),
    );
    const rule =
      'sidecar-redirect logs /GET \\/redirect\\?msg=http:\\/\\/0\\.0\\.0\\.0\\// within 60000 ms after sidecar-redirect started';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar-redirect']).missing).toEqual([
      'a line of sidecar-redirect matching /GET \\/redirect\\?msg=http:\\/\\/0\\.0\\.0\\.0\\// after it',
    ]);
  });

  it('fails without the ProbeWarning Event for the redirect', () => {
    const results = check(
      dropRecords(timeline, where({ reason: 'ProbeWarning', container: 'sidecar-redirect' })),
    );
    const rule = `a ProbeWarning event names sidecar-redirect with a message matching /${PROBE_WARNING.source}/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar-redirect']);
  });
});
