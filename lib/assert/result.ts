import type { TimelineRecord } from '../timeline/record.js';

/**
 * A rule's verdict. `undecided` is neither pass nor fail: the records the rule needs were too coarse
 * (two whole-second times in the same second) or missing where the harness could not see, so it
 * cannot say. It never counts as a pass, and never as Kubernetes breaking the rule.
 */
export type Verdict = 'pass' | 'fail' | 'undecided';

/** What a rule measured, for reports and comparisons across versions. */
export interface Measurement {
  value: number;
  unit: 'ms' | 'count';
  /** The bound the value was held to (inclusive). */
  min?: number;
  max?: number;
}

/** The two records a measured time runs between, named so the chart draws it without guessing. */
export interface Span {
  from: TimelineRecord;
  to: TimelineRecord;
}

export interface AssertionResult {
  /** The sentence the rule checks, built from the values it checks: "second-sidecar stops 3000–5000 ms after app". */
  rule: string;
  verdict: Verdict;
  /** What was required, in words: "gap ≥ 3000 ms and ≤ 5000 ms". */
  expected: string;
  /** What was seen, in words: "3146 ms (app 23:47:31.060 → second-sidecar 23:47:34.206)". */
  actual: string;
  measurement?: Measurement;
  span?: Span;
  containers: string[];
  /** The records that decided the rule: on failure the slice of the timeline that broke it. */
  evidence: TimelineRecord[];
  /** The rule says something never happened: only as good as the harness's view of the whole window. */
  claim?: 'absence';
  /** Records the rule needed that never came ("a Started event of app"). */
  missing?: string[];
}

export const passed = (r: { verdict: Verdict }): boolean => r.verdict === 'pass';
export const failed = (r: { verdict: Verdict }): boolean => r.verdict === 'fail';

/** A set of verdicts as one: any fail fails; otherwise any undecided leaves it undecided. */
export function overallVerdict(verdicts: Iterable<Verdict>): Verdict {
  let result: Verdict = 'pass';
  for (const verdict of verdicts) {
    if (verdict === 'fail') return 'fail';
    if (verdict === 'undecided') result = 'undecided';
  }
  return result;
}
