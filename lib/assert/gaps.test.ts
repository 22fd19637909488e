import { describe, expect, it } from 'vitest';
import { readiness } from '../scenarios/seed/readiness.js';
import { basic } from '../scenarios/seed/basic.js';
import { addGap, dropRecords, where } from '../testing/mutate.js';
import { checkScenario, recordedRun, rulesWith } from '../testing/scenario-check.js';
import type { Timeline } from '../timeline/timeline.js';
import { decideAcrossGaps } from './gaps.js';

const window = (timeline: Timeline) => ({
  fromNs: timeline.records[0]!.ns,
  toNs: timeline.records.at(-1)!.ns,
});
const blind = (timeline: Timeline, fromMs: number, toMs: number) => {
  const start = timeline.records[0]!.ns;
  return addGap(timeline, {
    stream: 'api server',
    fromNs: start + BigInt(fromMs) * 1_000_000n,
    toNs: start + BigInt(toMs) * 1_000_000n,
    why: 'no answer within 2000 ms',
  });
};

describe('decideAcrossGaps', () => {
  it('leaves every verdict alone when the harness saw everything', async () => {
    const { fixture, timeline } = await recordedRun('readiness');
    const results = checkScenario(readiness, fixture, timeline);
    expect(decideAcrossGaps(results, [], window(timeline))).toBe(results);
  });

  it('turns "never Ready" into undecided when the harness was blind inside the window, naming the gap', async () => {
    const { fixture, timeline } = await recordedRun('readiness');
    const gapped = blind(timeline, 5000, 25_000);
    const results = decideAcrossGaps(checkScenario(readiness, fixture, gapped), gapped.gaps, window(gapped));
    expect(rulesWith(results, 'undecided')).toEqual([
      'Pod is never Ready',
      'sidecar is never restarted',
      'app is never restarted',
      'Pod stays Running',
    ]);
    const neverReady = results.find((r) => r.rule === 'Pod is never Ready')!;
    expect(neverReady.actual).toMatch(
      /the harness was blind \d{2}:\d{2}:\d{2}\.\d{3}–\d{2}:\d{2}:\d{2}\.\d{3} \(api server: no answer within 2000 ms\)$/,
    );
    // What records seen outside the gap decide stands: READY 1/2, the probe failures.
    expect(rulesWith(results, 'pass')).toContain('READY 1/2');
    expect(rulesWith(results, 'fail')).toEqual([]);
  });

  it('turns a failure for want of a record into undecided, saying which record never came', async () => {
    const { fixture, timeline } = await recordedRun('basic');
    const noAppStart = dropRecords(timeline, where({ kind: 'started', container: 'app' }));
    const gapped = blind(noAppStart, 100, 2000);
    const results = decideAcrossGaps(checkScenario(basic, fixture, gapped), gapped.gaps, window(gapped));
    const rule = results.find((r) => r.rule === 'sidecar starts before app')!;
    expect(rule.verdict).toBe('undecided');
    expect(rule.actual).toContain('a start of app never came, and the harness was blind');
  });

  it('keeps a failure that records decide, gap or not', async () => {
    const { fixture, timeline } = await recordedRun('readiness');
    const gapped = blind(timeline, 5000, 25_000);
    const withReady = addGap(gapped, gapped.gaps[0]!);
    const results = checkScenario(readiness, fixture, withReady);
    const ready = results.find((r) => r.rule === 'READY 1/2')!;
    const broken = { ...ready, verdict: 'fail' as const };
    expect(decideAcrossGaps([broken], withReady.gaps, window(withReady))[0]?.verdict).toBe('fail');
  });
});

it('ignores a log stream that broke and resumed: its lines were resumed without loss', async () => {
  const { fixture, timeline } = await recordedRun('readiness');
  const start = timeline.records[0]!.ns;
  const gapped = addGap(timeline, {
    stream: 'log of app',
    fromNs: start,
    toNs: start + 10_000_000_000n,
    why: 'stream broke; resumed',
  });
  const results = checkScenario(readiness, fixture, gapped);
  expect(decideAcrossGaps(results, gapped.gaps, window(gapped))).toBe(results);
});
