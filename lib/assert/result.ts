import type { TimelineRecord } from '../timeline/record.js';

/** What a rule measured, for reports and comparisons across versions. */
export interface Measurement {
  value: number;
  unit: 'ms' | 'count';
  /** The bound the value was held to (inclusive). */
  min?: number;
  max?: number;
}

export interface AssertionResult {
  /** The sentence the rule checks, e.g. "app exits before second-sidecar". */
  rule: string;
  passed: boolean;
  /** What was required, in words: "gap >= 3000 ms and <= 4500 ms". */
  expected: string;
  /** What was seen, in words: "3146 ms", "first-sidecar started 23:47:31.060". */
  actual: string;
  measurement?: Measurement;
  containers: string[];
  /** The records that decided the rule: on failure the slice of the timeline that broke it. */
  evidence: TimelineRecord[];
}
