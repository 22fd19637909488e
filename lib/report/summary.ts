import type { RunResult } from '../run/result.js';

/** A few lines for the terminal: one per scenario, failed rules underneath. */
export function summarize(run: RunResult): string {
  const lines = [
    `Kubernetes ${run.cluster.kubernetesVersion} (${run.cluster.provider} ${run.cluster.name}), image ${run.image.used}${run.image.substituted ? ` substituted for ${run.image.reference}` : ''}`,
  ];
  for (const scenario of run.scenarios) {
    lines.push(
      `${scenario.passed ? 'PASS' : 'FAIL'}  ${scenario.title}  (${(scenario.durationMs / 1000).toFixed(1)} s)`,
    );
    if (scenario.error) lines.push(`      error: ${scenario.error.split('\n')[0]}`);
    for (const rule of scenario.assertions.filter((a) => !a.passed)) {
      lines.push(`      broken: ${rule.rule}: expected ${rule.expected}, got ${rule.actual}`);
    }
    for (const rule of scenario.assertions.filter((a) => a.passed && a.measurement?.unit === 'ms')) {
      lines.push(`      ${rule.rule}: ${rule.actual}`);
    }
  }
  const passed = run.scenarios.filter((s) => s.passed).length;
  lines.push(
    `wall time ${(run.durationMs / 1000).toFixed(1)} s`,
    `${passed} passed, ${run.scenarios.length - passed} failed`,
  );
  return lines.join('\n');
}
