import { defaults } from '../config.js';
import { runScenario } from '../scenarios/runner.js';
import type { RunResult, ScenarioResult } from '../scenarios/result.js';
import type { RuleSettings, Scenario } from '../scenarios/scenario.js';
import { formatTimeNs, nowNs, nsToMs } from '../timeline/time.js';
import type { Session } from './session.js';

/**
 * Runs scenarios concurrently, each in its own namespace, so the run takes about as long as its
 * longest scenario. Every scenario ends with a result (passed, failed or errored), never a throw.
 */
export async function runScenarios(
  session: Session,
  scenarios: Scenario[],
  settings: RuleSettings,
  options: { root: string; signal: AbortSignal; progress: (line: string) => void },
): Promise<RunResult> {
  const startedNs = nowNs();
  const results: ScenarioResult[] = await Promise.all(
    scenarios.map((scenario) =>
      runScenario(scenario, {
        kube: session.kube,
        runId: session.runId,
        image: session.image,
        settings,
        watchSilenceMs: defaults.watchSilenceMs,
        root: options.root,
        signal: options.signal,
        progress: options.progress,
      }),
    ),
  );
  const finishedNs = nowNs();
  return {
    runId: session.runId,
    startedAt: formatTimeNs(startedNs),
    finishedAt: formatTimeNs(finishedNs),
    durationMs: Math.round(nsToMs(finishedNs - startedNs)),
    cluster: session.cluster,
    image: session.image,
    toleranceMs: settings.shutdownToleranceMs,
    scenarios: results,
    passed: results.every((r) => r.passed),
  };
}

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
