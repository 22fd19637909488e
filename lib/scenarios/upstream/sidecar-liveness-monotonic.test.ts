import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { RESTARTS, WITHIN_MS, sidecarLivenessMonotonic } from './sidecar-liveness-monotonic.js';

const { fixture, timeline } = await recordedRun('sidecar-liveness-monotonic');
const check = (t = timeline) => checkScenario(sidecarLivenessMonotonic, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const withinRule = `sidecar has restarted ≥ ${RESTARTS} times within ${WITHIN_MS} ms of the Pod being applied`;
const monotonicRule = "sidecar's restartCount never decreases";

describe('sidecar-liveness-monotonic (upstream P5)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    expect(check().find((r) => r.rule === monotonicRule)?.actual).toContain('0 → 1 → 2 → 3 → 4');
  });

  it(`fails when restart ${RESTARTS} comes 60 s later, past the bound`, () => {
    const results = check(
      shiftRecords(
        timeline,
        (r) => r.container === 'sidecar' && (r.restartCount ?? 0) >= RESTARTS,
        seconds(60),
      ),
    );
    expect(rulesWith(results)).toEqual([withinRule]);
    expect(expectBroken(results, withinRule, ['sidecar']).measurement?.value).toBeGreaterThan(WITHIN_MS);
  });

  it('fails when a status seen last shows a lower restart count', () => {
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'not-ready',
        container: 'sidecar',
        restartCount: 1,
        ns: endNs(timeline) + 1_000_000n,
      }),
    );
    expect(rulesWith(results)).toEqual([monotonicRule]);
    expect(expectBroken(results, monotonicRule, ['sidecar']).actual).toMatch(
      /restartCount 4 seen .*, then 1 seen/,
    );
  });

  it('fails when the kubelet never says the liveness probe killed the sidecar', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: 'sidecar' })));
    const rule = 'a Killing event names sidecar with a message matching /failed liveness probe/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['sidecar']);
  });

  it('fails when the app restarts', () => {
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'restarted',
        container: 'main',
        restartCount: 1,
        ns: wholeSecond(endNs(timeline)),
        precision: 'second',
      }),
    );
    expect(rulesWith(results)).toEqual(['main is never restarted']);
    expectBroken(results, 'main is never restarted', ['main']);
  });
});
