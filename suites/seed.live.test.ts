import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { explainScenario } from '../lib/report/explain.js';
import { publishReports } from '../lib/report/publish.js';
import { defaults } from '../lib/config.js';
import { connect } from '../lib/kube/client.js';
import { summarize } from '../lib/report/summary.js';
import { ruleSettings } from '../lib/run/settings.js';
import type { RunResult, ScenarioResult } from '../lib/run/result.js';
import { runScenario } from '../lib/run/runner.js';
import { seedScenarios } from '../lib/scenarios/seed.js';
import { saveFixture } from '../lib/testing/fixture.js';
import { formatTimeNs, nowNs, nsToMs } from '../lib/timeline/time.js';
import './session-context.js';

/**
 * The article's five Pods against a real kubelet, concurrently, each in its own namespace.
 * Reports for the run land under reports/<run id>/ like the command line's.
 */
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
const settings = ruleSettings({
  shutdownToleranceMs: Number(process.env.SIDECAR_TOLERANCE_MS ?? defaults.shutdownToleranceMs),
});
const root = resolve(import.meta.dirname, '..');
const results: ScenarioResult[] = [];
const startedNs = nowNs();

describe.concurrent(
  `seed scenarios on Kubernetes ${live.cluster.kubernetesVersion} (image ${live.image.used})`,
  () => {
    for (const scenario of seedScenarios) {
      test(scenario.title, async ({ signal }) => {
        const result = await runScenario(scenario, {
          kube,
          runId: live.runId,
          image: live.image,
          settings,
          watchSilenceMs: defaults.watchSilenceMs,
          root,
          signal,
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        results.push(result);
        const fixtures = process.env.SIDECAR_RECORD_FIXTURES;
        if (fixtures) {
          await saveFixture(resolve(fixtures, `${scenario.name}.json`), result, {
            kubernetesVersion: live.cluster.kubernetesVersion,
            image: live.image.used,
            runId: live.runId,
          });
        }
        const failure = explainScenario(result);
        expect(failure, failure).toBeUndefined();
      });
    }
  },
);

afterAll(async () => {
  if (results.length === 0) return;
  const finishedNs = nowNs();
  const order = new Map(seedScenarios.map((s, i) => [s.name, i]));
  const run: RunResult = {
    runId: live.runId,
    startedAt: formatTimeNs(startedNs),
    finishedAt: formatTimeNs(finishedNs),
    durationMs: Math.round(nsToMs(finishedNs - startedNs)),
    cluster: live.cluster,
    image: live.image,
    toleranceMs: settings.shutdownToleranceMs,
    scenarios: results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0)),
    passed: results.every((r) => r.passed),
  };
  const paths = await publishReports(run, resolve(root, 'reports'), {
    screenshot: true,
    progress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stderr.write(`${summarize(run).split('\n').slice(0, -1).join('\n')}\nreports: ${paths.dir}\n`);
});
