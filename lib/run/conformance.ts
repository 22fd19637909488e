import { defaults } from '../config.js';
import { runScenario } from './runner.js';
import type { RunResult, ScenarioResult } from './result.js';
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
