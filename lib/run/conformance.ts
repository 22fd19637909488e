import { defaults } from '../config.js';
import { runScenario } from './runner.js';
import type { FaultRecord, RunResult, ScenarioResult } from './result.js';
import type { RunSettings, Scenario } from '../scenarios/scenario.js';
import { nowNs } from '../timeline/time.js';
import { assembleRun } from './judge.js';
import { decideAcrossFaults, scheduleFaults, type FaultPlan } from './faults.js';
import { clusterFacts, nodeOperationsOf } from './node.js';
import type { Session } from './session.js';

/** Runs `work` over `items`, at most `limit` at a time, results in the items' order. */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * Runs scenarios concurrently, each in its own namespace, a bounded number at a time (the seed's
 * five at once), so the run takes about as long as its longest scenario or a few of them. Every scenario ends with a result (passed, failed or errored), never a throw.
 * With `faults`, each is made at its time after the run's start while the scenarios run; faults not
 * begun when the last scenario ends are not made, and the result records each with its times.
 */
export async function runScenarios(
  session: Session,
  scenarios: Scenario[],
  settings: RunSettings,
  options: {
    root: string;
    signal: AbortSignal;
    progress: (line: string) => void;
    faults?: FaultPlan;
    /** How many scenarios run at once (default in lib/config.ts). */
    concurrency?: number;
  },
): Promise<RunResult> {
  const startedNs = nowNs();
  const faults = options.faults
    ? scheduleFaults(options.faults, { startedNs, signal: options.signal, progress: options.progress })
    : undefined;
  let results: ScenarioResult[];
  let faultRecords: FaultRecord[] | undefined;
  const node = nodeOperationsOf(session.provider, options.progress, options.signal);
  const facts = clusterFacts(session.cluster.kubernetesVersion, session.features, node);
  const run = (scenario: Scenario) =>
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
      facts,
      ...(scenario.disruptive && node ? { node } : {}),
    });
  try {
    // The rows that restart the kubelet or reboot the node disturb every Pod on it: alone, afterwards.
    const calm = scenarios.filter((s) => !s.disruptive);
    const disruptive = scenarios.filter((s) => s.disruptive);
    const first = await inPool(calm, options.concurrency ?? defaults.scenarioConcurrency, run);
    const after = await inPool(disruptive, 1, run);
    const byScenario = new Map<Scenario, ScenarioResult>([
      ...calm.map((s, i) => [s, first[i]] as [Scenario, ScenarioResult]),
      ...disruptive.map((s, i) => [s, after[i]] as [Scenario, ScenarioResult]),
    ]);
    results = scenarios.map((s) => byScenario.get(s) as ScenarioResult);
  } finally {
    // A fault under way ends before the result is put together (a paused API server resumes first).
    faultRecords = await faults?.finish();
  }
  const assembled = assembleRun({
    runId: session.runId,
    cluster: session.cluster,
    image: session.image,
    settings,
    // A timed rule broken across a kubelet restart the run made cannot tell (see decideAcrossFaults).
    scenarios: faultRecords ? results.map((result) => decideAcrossFaults(result, faultRecords)) : results,
    startedNs,
    finishedNs: nowNs(),
  });
  return faultRecords ? { ...assembled, faults: faultRecords } : assembled;
}
