import type { AssertionResult, Verdict } from '../assert/result.js';
import type { ScenarioResult, ScenarioVerdict } from '../run/result.js';
import { formatSlice } from '../timeline/timeline.js';

/**
 * The one rendering of a rule that did not pass, for the terminal, JUnit, the HTML report and the
 * live suites alike: the sentence, what was expected and seen, and the records that decided it.
 */

export const VERDICT_MARK: Record<Verdict, string> = { pass: '✓', fail: '✗', undecided: '?' };
export const VERDICT_WORD: Record<ScenarioVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  undecided: 'UNDECIDED',
  'not-applicable': 'N/A',
};

export function explainAssertion(assertion: AssertionResult): string {
  return [
    `${VERDICT_MARK[assertion.verdict]} ${assertion.rule}${assertion.verdict === 'undecided' ? ' (undecided)' : ''}`,
    `    expected: ${assertion.expected}`,
    `    actual:   ${assertion.actual}`,
    assertion.evidence.length
      ? `    records:\n${formatSlice(assertion.evidence, 6)}`
      : '    records:  (none)',
  ].join('\n');
}

/** The rules of a scenario that did not pass: broken first, then undecided. */
export function notPassed(scenario: Pick<ScenarioResult, 'assertions'>): AssertionResult[] {
  return [
    ...scenario.assertions.filter((a) => a.verdict === 'fail'),
    ...scenario.assertions.filter((a) => a.verdict === 'undecided'),
  ];
}

/** Everything that kept one scenario from passing, or undefined when it passed. */
export function explainScenario(result: ScenarioResult): string | undefined {
  if (result.verdict === 'pass') return undefined;
  const parts = [`${result.title} (namespace ${result.namespace}): ${VERDICT_WORD[result.verdict]}`];
  if (result.notApplicable) parts.push(result.notApplicable);
  if (result.error) parts.push(`error: ${result.error}`);
  for (const assertion of notPassed(result)) parts.push(explainAssertion(assertion));
  return parts.join('\n');
}
