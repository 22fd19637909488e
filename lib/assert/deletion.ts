import { nsToMs, msToNs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { spanBounds, withinBounds } from './instants.js';
import type { AssertionResult } from './result.js';
import { atFrom, missingOf, result } from './rule.js';

/** Rules about how long a deleted Pod takes to go. */

export interface GoneWithinOptions {
  withinMs: number;
  /** Where the bound comes from, in words, for the sentence: `grace 3 s + 3 s`. */
  basis?: string;
}

/**
 * The Pod is gone (the API server's watch said deleted) within `withinMs` of the harness asking to
 * delete it: upstream's time from `Delete` to `NotFound`. Both ends are the harness's own clock, so
 * the figure includes the API call and the watch's delivery, never less than what the Pod took.
 */
export function goneWithin(timeline: Timeline, options: GoneWithinOptions): AssertionResult {
  const { withinMs, basis } = options;
  const requested = timeline.first({ kind: 'delete-requested' });
  const gone = timeline.first({ kind: 'pod-gone' });
  const rule = `the Pod is gone within ${withinMs} ms of the delete request${basis ? ` (${basis})` : ''}`;
  const expected = `delete request → Pod gone ≤ ${withinMs} ms`;
  if (!requested || !gone) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `delete requested ${atFrom(requested)}, gone ${atFrom(gone)}`,
      containers: [],
      evidence: [requested, gone, timeline.records.at(-1)],
      missing: missingOf({ 'the delete request': requested, "the Pod's deletion": gone }),
    });
  }
  const range = spanBounds(requested, gone);
  const value = Math.round(nsToMs(range.point));
  return result({
    rule,
    verdict: withinBounds(range, { minNs: 0n, maxNs: msToNs(withinMs) }),
    expected,
    actual: `${value} ms (delete requested ${atFrom(requested)} → Pod gone ${atFrom(gone)}, both on the harness's clock)`,
    containers: [],
    evidence: [requested, gone],
    measurement: { value, unit: 'ms', max: withinMs },
    span: { from: requested, to: gone },
  });
}
