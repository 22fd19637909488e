import { overlaps, type ObservationGap } from '../timeline/gaps.js';
import { displayTime } from '../timeline/time.js';
import type { AssertionResult } from './result.js';

/**
 * A verdict is only worth what the harness could see. Where it was blind inside the observed window,
 * a rule that says something never happened, and a rule that failed for want of a record, cannot
 * tell: they become undecided. A verdict that records seen outside the gap decide (two starts in
 * order, a restart that did happen) stands.
 */
export function decideAcrossGaps(
  results: AssertionResult[],
  gaps: readonly ObservationGap[],
  window: { fromNs: bigint; toNs: bigint },
): AssertionResult[] {
  // A log stream resumes from its last line's time with duplicates dropped, so its break loses
  // nothing; the watches and the API server are what the rules' absences depend on.
  const blind = gaps.filter(
    (gap) => !gap.stream.startsWith('log of ') && overlaps(gap, window.fromNs, window.toNs),
  );
  if (blind.length === 0) return results;
  const where = blind
    .map((gap) => `${displayTime(gap.fromNs)}–${displayTime(gap.toNs)} (${gap.stream}: ${gap.why})`)
    .join(', ');
  return results.map((result) => {
    const unseen =
      (result.claim === 'absence' && result.verdict === 'pass') ||
      (result.verdict === 'fail' && (result.missing?.length ?? 0) > 0);
    if (!unseen) return result;
    const what = result.missing?.length ? `${result.missing.join(', ')} never came, and ` : '';
    return {
      ...result,
      verdict: 'undecided',
      actual: `${result.actual}; ${what}the harness was blind ${where}`,
    };
  });
}
