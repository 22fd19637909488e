import type { TimelineRecord } from '../timeline/record.js';
import { displayTime } from '../timeline/time.js';
import type { AssertionResult, Measurement, Span, Verdict } from './result.js';

const SOURCE_NAMES: Record<TimelineRecord['source'], string> = {
  runtime: 'runtime',
  status: 'status',
  event: 'event',
  log: 'log',
  harness: 'harness',
};

/** A record's time for messages: `23:47:31.060`, marked when only whole seconds are known. */
export const at = (r: TimelineRecord | undefined) =>
  r ? `${displayTime(r.ns)}${r.precision === 'second' ? ' (whole second)' : ''}` : 'never';

/** A record's time with where it came from: `23:47:31.060 (runtime)`, `23:47:31 (status, whole second)`. */
export const atFrom = (r: TimelineRecord | undefined) =>
  r
    ? `${displayTime(r.ns)} (${SOURCE_NAMES[r.source]}${r.precision === 'second' ? ', whole second' : ''})`
    : 'never';

export interface ResultFields {
  rule: string;
  verdict: Verdict | boolean;
  expected: string;
  actual: string;
  containers: string[];
  evidence: (TimelineRecord | undefined)[];
  measurement?: Measurement;
  span?: Span;
  claim?: 'absence';
  missing?: string[];
}

/** Builds a rule's result; a boolean verdict is pass/fail. */
export function result(fields: ResultFields): AssertionResult {
  const verdict: Verdict =
    typeof fields.verdict === 'boolean' ? (fields.verdict ? 'pass' : 'fail') : fields.verdict;
  return {
    rule: fields.rule,
    verdict,
    expected: fields.expected,
    actual: fields.actual,
    containers: fields.containers,
    evidence: fields.evidence.filter((r): r is TimelineRecord => r !== undefined),
    ...(fields.measurement ? { measurement: fields.measurement } : {}),
    ...(fields.span ? { span: fields.span } : {}),
    ...(fields.claim ? { claim: fields.claim } : {}),
    ...(fields.missing?.length ? { missing: fields.missing } : {}),
  };
}

/** The names of what never came, for a rule that needed `records` (label → record or undefined). */
export function missingOf(records: Record<string, TimelineRecord | undefined>): string[] {
  return Object.entries(records)
    .filter(([, record]) => record === undefined)
    .map(([label]) => label);
}
