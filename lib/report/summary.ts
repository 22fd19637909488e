import type { RunResult } from '../run/result.js';
import { explainAssertion, notPassed, VERDICT_WORD } from './explain.js';

const indent = (text: string, by: string) =>
  text
    .split('\n')
    .map((line) => by + line)
    .join('\n');

/** The terminal's summary: one line per scenario, each rule that did not pass underneath with its records. */
export function summarize(run: RunResult): string {
  const lines = [
    `Kubernetes ${run.cluster.kubernetesVersion} (${run.cluster.provider} ${run.cluster.name}), image ${run.image.used}${run.image.substituted ? ` substituted for ${run.image.reference}` : ''}`,
  ];
  for (const scenario of run.scenarios) {
    lines.push(
      `${VERDICT_WORD[scenario.verdict].padEnd(9)} ${scenario.title}  (${(scenario.durationMs / 1000).toFixed(1)} s)`,
    );
    if (scenario.error) lines.push(`      error: ${scenario.error.split('\n')[0]}`);
    if (scenario.notApplicable) lines.push(`      ${scenario.notApplicable}`);
    for (const rule of notPassed(scenario)) lines.push(indent(explainAssertion(rule), '      '));
    for (const rule of scenario.assertions.filter(
      (a) => a.verdict === 'pass' && a.measurement?.unit === 'ms',
    )) {
      lines.push(`      ${rule.rule}: ${rule.actual}`);
    }
  }
  const count = (verdict: string) => run.scenarios.filter((s) => s.verdict === verdict).length;
  const undecided = count('undecided');
  const notApplicable = count('not-applicable');
  lines.push(
    `wall time ${(run.durationMs / 1000).toFixed(1)} s`,
    `${count('pass')} passed, ${count('fail')} failed${undecided ? `, ${undecided} undecided` : ''}${notApplicable ? `, ${notApplicable} not applicable` : ''}`,
  );
  return lines.join('\n');
}
