import { describe, expect, it } from 'vitest';
import { addRecord, endNs } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { INITIAL_DELAY_MS, sidecarReadinessInitialDelay } from './sidecar-readiness-initial-delay.js';

const { fixture, timeline } = await recordedRun('sidecar-readiness-initial-delay');
const check = (t = timeline) => checkScenario(sidecarReadinessInitialDelay, fixture, t);
const delayRule = `Pod turns Ready no earlier than ${INITIAL_DELAY_MS} ms after test-webserver started`;
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);

describe('sidecar-readiness-initial-delay (upstream P1)', () => {
  it('passes every rule on the recorded run, Ready well after the delay', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    const measured = check().find((r) => r.rule === delayRule)?.measurement?.value ?? 0;
    expect(measured).toBeGreaterThanOrEqual(INITIAL_DELAY_MS);
  });

  it('fails when the Pod turns Ready 8 s after the sidecar started, before the delay', () => {
    const ready = timeline.first({ kind: 'pod-ready' })!;
    const early = wholeSecond(startRecord(timeline, 'test-webserver').ns + seconds(8));
    const results = check(moveRecord(timeline, ready, early));
    expect(rulesWith(results)).toEqual([delayRule]);
    expect(expectBroken(results, delayRule, ['test-webserver']).measurement?.value).toBeLessThan(
      INITIAL_DELAY_MS,
    );
  });

  it('fails when the Pod is not Ready at the end', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-not-ready', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod Ready=True at the end']);
    expectBroken(results, 'Pod Ready=True at the end', ['Ready=False']);
  });

  for (const container of ['test-webserver', 'main']) {
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
      const rule = `${container} is never restarted`;
      expect(rulesWith(results)).toEqual([rule]);
      expectBroken(results, rule, [container]);
    });
  }
});
