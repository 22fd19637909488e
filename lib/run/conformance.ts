import { defaults } from '../config.js';
import { runScenario } from './runner.js';
import type { RunResult, ScenarioResult } from './result.js';
import type { RunSettings, Scenario } from '../scenarios/scenario.js';
import { nowNs } from '../timeline/time.js';
import { assembleRun } from './judge.js';
import type { Session } from './session.js';

/**
 * Runs scenarios concurrently, each in its own namespace, so the run takes about as long as its
 * longest scenario. Every scenario ends with a result (passed, failed or errored), never a throw.
 */
export async function runScenarios(
  session: Session,
  scenarios: Scenario[],
  settings: RunSettings,
  options: { root: string; signal: AbortSignal; progress: (line: string) => void },
): Promise<RunResult> {
  const startedNs = nowNs();
  const results: ScenarioResult[] = await Promise.all(
    scenarios.map((scenario) =>
      runScenario(scenario, {
        kube: session.kube,
        runId: session.runId,
        image: session.image,
        runtime: session.runtime,
        settings,
        watchSilenceMs: defaults.watchSilenceMs,
        root: options.root,
        signal: options.signal,
        progress: options.progress,
      }),
    ),
  );
  return assembleRun({
    runId: session.runId,
    cluster: session.cluster,
    image: session.image,
    settings,
    scenarios: results,
    startedNs,
    finishedNs: nowNs(),
  });
}
