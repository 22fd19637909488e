import { describe, expect, it } from 'vitest';
import { runSettings } from '../../run/settings.js';
import { addRecord, dropRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  exitRecord,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  startRecord,
  swapTimes,
} from '../../testing/scenario-check.js';
import { msToNs } from '../../timeline/time.js';
import { order, SIGTERM_DELAY_MS } from './order.js';

// What Kubernetes really did with File 2, and copies where one promise is broken.
const { fixture, timeline } = await recordedRun('order');
const check = (t = timeline) => checkScenario(order, fixture, t);
const maxGapMs = SIGTERM_DELAY_MS + runSettings().shutdownToleranceMs;

describe('order (File 2)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecars start in swapped order', () => {
    const swapped = swapTimes(
      timeline,
      startRecord(timeline, 'first-sidecar'),
      startRecord(timeline, 'second-sidecar'),
    );
    const results = check(swapped);
    expect(rulesWith(results)).toEqual(['first-sidecar starts before second-sidecar']);
    expectBroken(results, 'first-sidecar starts before second-sidecar', ['first-sidecar', 'second-sidecar']);
  });

  it('fails when the Started events contradict the order by a second', () => {
    const event = timeline.first({ kind: 'started', source: 'event', container: 'first-sidecar' });
    const later = moveRecord(timeline, event!, event!.ns + 2_000_000_000n);
    const rule = "first-sidecar's Started event is not later than second-sidecar's (to the second)";
    expect(rulesWith(check(later))).toEqual([rule]);
    expectBroken(check(later), rule, ['first-sidecar', 'second-sidecar']);
  });

  it('fails when the sidecars stop in manifest order instead of reverse', () => {
    const swapped = swapTimes(
      timeline,
      exitRecord(timeline, 'first-sidecar'),
      exitRecord(timeline, 'second-sidecar'),
    );
    const results = check(swapped);
    expect(rulesWith(results)).toEqual([
      `second-sidecar stops ${SIGTERM_DELAY_MS}–${maxGapMs} ms after app`,
      `first-sidecar stops ${SIGTERM_DELAY_MS}–${maxGapMs} ms after second-sidecar`,
    ]);
    const gap = expectBroken(
      results,
      `first-sidecar stops ${SIGTERM_DELAY_MS}–${maxGapMs} ms after second-sidecar`,
      ['first-sidecar', 'second-sidecar'],
    );
    expect(gap.measurement?.value).toBeLessThan(0);
  });

  it.each([
    { gapMs: 2000, why: 'shortened to 2 s' },
    { gapMs: maxGapMs + 1, why: 'longer than 3 s plus the tolerance' },
  ])('fails when the gap between the sidecars is $why', ({ gapMs }) => {
    const first = exitRecord(timeline, 'first-sidecar');
    const moved = moveRecord(timeline, first, exitRecord(timeline, 'second-sidecar').ns + msToNs(gapMs));
    const rule = `first-sidecar stops ${SIGTERM_DELAY_MS}–${maxGapMs} ms after second-sidecar`;
    const results = check(moved);
    expect(rulesWith(results)).toEqual([rule]);
    const gap = expectBroken(results, rule, ['first-sidecar', 'second-sidecar']);
    expect(gap.measurement).toEqual({ value: gapMs, unit: 'ms', min: SIGTERM_DELAY_MS, max: maxGapMs });
    expect(gap.span?.from.container).toBe('second-sidecar');
    expect(gap.span?.to.container).toBe('first-sidecar');
  });

  it('fails when the kubelet never announces stopping a sidecar, saying where it looked', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: 'second-sidecar' })));
    expect(rulesWith(results)).toEqual(['a Killing event names second-sidecar']);
    expectBroken(results, 'a Killing event names second-sidecar', ['second-sidecar']);
  });

  it('is undecided, not failed, when only whole-second exits in one second are left', () => {
    // No runtime records and no log lines: two status exits in the same second cannot be ordered.
    const coarse = dropRecords(timeline, (r) => r.source === 'runtime' || r.kind === 'log');
    const app = coarse.find({ kind: 'terminated', container: 'app' }).at(-1)!;
    const sameSecond = addRecord(
      dropRecords(coarse, where({ kind: 'terminated', container: 'second-sidecar' })),
      {
        ...app,
        container: 'second-sidecar',
      },
    );
    const results = check(sameSecond);
    expect(rulesWith(results, 'undecided')).toContain('app exits before second-sidecar');
    expect(rulesWith(results)).not.toContain('app exits before second-sidecar');
  });
});
