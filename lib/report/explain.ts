import type { ScenarioResult } from '../run/result.js';
import { formatSlice } from '../timeline/timeline.js';
import type { AssertionResult } from '../assert/result.js';

/** A broken rule as people read it: the sentence, what was expected and seen, and the records that decided it. */
export function explainAssertion(assertion: AssertionResult): string {
  const lines = [`✗ ${assertion.rule}: expected ${assertion.expected}, got ${assertion.actual}`];
  if (assertion.evidence.length) lines.push(formatSlice(assertion.evidence));
  return lines.join('\n');
}

/** Everything that went wrong in one scenario, or undefined when it passed. */
export function explainScenario(result: ScenarioResult): string | undefined {
  if (result.passed) return undefined;
  const parts = [`${result.title} (namespace ${result.namespace}) failed:`];
  if (result.error) parts.push(`error: ${result.error}`);
  for (const assertion of result.assertions.filter((a) => !a.passed)) parts.push(explainAssertion(assertion));
  return parts.join('\n');
}
