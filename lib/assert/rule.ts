import type { TimelineRecord } from '../timeline/record.js';
import { displayTime } from '../timeline/time.js';
import type { AssertionResult } from './result.js';

/** A record's time for messages: `23:47:31.060`, marked when only whole seconds are known. */
export const at = (r: TimelineRecord | undefined) =>
  r ? `${displayTime(r.ns)}${r.precision === 'second' ? ' (whole second)' : ''}` : 'never';

export function result(
  rule: string,
  passed: boolean,
  expected: string,
  actual: string,
  containers: string[],
  evidence: (TimelineRecord | undefined)[],
  measurement?: AssertionResult['measurement'],
): AssertionResult {
  return {
    rule,
    passed,
    expected,
    actual,
    containers,
    evidence: evidence.filter((r): r is TimelineRecord => r !== undefined),
    ...(measurement ? { measurement } : {}),
  };
}
