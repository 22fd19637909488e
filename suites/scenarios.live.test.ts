import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { explainScenario } from '../lib/report/explain.js';
import { publishReports } from '../lib/report/publish.js';
import { defaults } from '../lib/config.js';
import { connect } from '../lib/kube/client.js';
import { summarize } from '../lib/report/summary.js';
import { parseTolerance, runSettings } from '../lib/run/settings.js';
import type { ScenarioResult } from '../lib/run/result.js';
import { runScenario } from '../lib/run/runner.js';
import { assembleRun } from '../lib/run/judge.js';
import { SCENARIOS, selectScenarios } from '../lib/scenarios/registry.js';
import { saveFixture } from '../lib/testing/fixture.js';
import { nowNs } from '../lib/timeline/time.js';
import { liveFacts, liveRuntime } from './session-context.js';
import type { Scenario } from '../lib/scenarios/scenario.js';

/**
 * Every registered scenario (the seed's and upstream's, or those SIDECAR_SUITE and SIDECAR_ONLY
 * select) against a real kubelet, concurrently, each in its own namespace. Reports for the run land
 * under reports/<run id>/ like the command line's.
 */
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
const runtime = liveRuntime(live);
const settings = runSettings({
  shutdownToleranceMs: parseTolerance(process.env.SIDECAR_TOLERANCE_MS),
});
const root = resolve(import.meta.dirname, '..');
const scenarios = selectScenarios({
  ...(process.env.SIDECAR_SUITE ? { suite: process.env.SIDECAR_SUITE } : {}),
  ...(process.env.SIDECAR_ONLY ? { only: [process.env.SIDECAR_ONLY] } : {}),
});
const results: ScenarioResult[] = [];
const startedNs = nowNs();

const progress = (line: string) => process.stderr.write(`${line}\n`);
const { facts, node } = await liveFacts(live, kube, progress);

async function runLive(scenario: Scenario, signal: AbortSignal): Promise<void> {
  const result = await runScenario(scenario, {
    kube,
    runId: live.runId,
    image: live.image,
    ...(runtime ? { runtime } : {}),
    settings,
    watchSilenceMs: defaults.watchSilenceMs,
    root,
    signal,
    progress,
    facts,
    ...(scenario.disruptive && node ? { node } : {}),
  });
  results.push(result);
  const fixtures = process.env.SIDECAR_RECORD_FIXTURES;
  if (fixtures && result.verdict !== 'not-applicable') {
    await saveFixture(resolve(fixtures, `${scenario.name}.json`), result, {
      kubernetesVersion: live.cluster.kubernetesVersion,
      image: live.image.used,
      runId: live.runId,
    });
  }
  // Not applicable is said in the output and the reports, and neither passes nor fails here.
  if (result.verdict === 'not-applicable') progress(`[${scenario.name}] ${result.notApplicable}`);
  else {
    const failure = explainScenario(result);
    expect(failure, failure).toBeUndefined();
  }
}

const calm = scenarios.filter((s) => !s.disruptive);
const disruptive = scenarios.filter((s) => s.disruptive);

// An empty describe fails in vitest: a set SIDECAR_ONLY may select scenarios of one kind only.
if (calm.length > 0)
  describe.concurrent(
    `${calm.length} scenarios on Kubernetes ${live.cluster.kubernetesVersion} (image ${live.image.used})`,
    () => {
      for (const scenario of calm) test(scenario.title, ({ signal }) => runLive(scenario, signal));
    },
  );

// They restart the kubelet or reboot the node, disturbing every Pod on it: one at a time, after the others.
if (disruptive.length > 0)
  describe.sequential(`${disruptive.length} disruptive scenarios, one at a time, after the others`, () => {
    for (const scenario of disruptive) test(scenario.title, ({ signal }) => runLive(scenario, signal));
  });

afterAll(async () => {
  if (results.length === 0) return;
  const order = new Map(SCENARIOS.map((s, i) => [s.name, i]));
  const run = assembleRun({
    runId: live.runId,
    cluster: live.cluster,
    image: live.image,
    settings,
    scenarios: results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)),
    startedNs,
    finishedNs: nowNs(),
  });
  const paths = await publishReports(run, resolve(root, 'reports'), {
    screenshot: true,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`${summarize(run).split('\n').slice(0, -1).join('\n')}\nreports: ${paths.dir}\n`);
});
