import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { exitOf, startOf } from '../assert/instants.js';
import type { AssertionResult, Verdict } from '../assert/result.js';
import { explainAssertion } from '../report/explain.js';
import { runSettings } from '../run/settings.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { TimelineRecord } from '../timeline/record.js';
import type { Timeline } from '../timeline/timeline.js';
import { loadFixture, type TimelineFixture } from './fixture.js';
import { bySeq, patchRecords, shiftRecords } from './mutate.js';

/** What a scenario's unit test needs: its recorded run, its rules over a (mutated) timeline, and checks on the outcome. */

const DISPLAY_TIME = /\b\d{2}:\d{2}:\d{2}\.\d{3}\b/;

/** fixtures/<name>.json, recorded from a live run. */
export async function recordedRun(name: string): Promise<{ fixture: TimelineFixture; timeline: Timeline }> {
  return loadFixture(fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url)));
}

export function checkScenario(
  scenario: Scenario,
  fixture: TimelineFixture,
  timeline: Timeline,
  settings = runSettings(),
): AssertionResult[] {
  return scenario.rules(timeline, fixture.shape, settings);
}

/** The sentences of the rules with this verdict (default: the broken ones). */
export const rulesWith = (results: AssertionResult[], verdict: Verdict = 'fail'): string[] =>
  results.filter((a) => a.verdict === verdict).map((a) => a.rule);

/** The rule with this sentence failed, and its explanation names `names` and shows when things happened. */
export function expectBroken(results: AssertionResult[], rule: string, names: string[]): AssertionResult {
  const assertion = results.find((a) => a.rule === rule);
  expect(assertion, `no rule "${rule}" in ${results.map((a) => a.rule).join('; ')}`).toBeDefined();
  expect(assertion?.verdict).toBe('fail');
  const text = explainAssertion(assertion as AssertionResult);
  for (const name of names) expect(text).toContain(name);
  expect(text).toMatch(DISPLAY_TIME);
  return assertion as AssertionResult;
}

/** The record the rules take for the container's exit (runtime, else its announcing log line, else status). */
export function exitRecord(timeline: Timeline, container: string): TimelineRecord {
  const record = exitOf(timeline, container, { announcedByLastLogLine: true });
  if (!record) throw new Error(`the recorded timeline has no exit of ${container}`);
  return record;
}

/** The record the rules take for the container's first start. */
export function startRecord(timeline: Timeline, container: string): TimelineRecord {
  const record = startOf(timeline, container);
  if (!record) throw new Error(`the recorded timeline has no start of ${container}`);
  return record;
}

/** Moves one record to `ns`. */
export const moveRecord = (timeline: Timeline, record: TimelineRecord, ns: bigint): Timeline =>
  shiftRecords(timeline, bySeq(record.seq), ns - record.ns);

/** Swaps the times of two records. */
export function swapTimes(timeline: Timeline, a: TimelineRecord, b: TimelineRecord): Timeline {
  const once = patchRecords(timeline, bySeq(a.seq), { ns: b.ns, time: b.time });
  return patchRecords(once, bySeq(b.seq), { ns: a.ns, time: a.time });
}

export const seconds = (s: number): bigint => BigInt(s) * 1_000_000_000n;
