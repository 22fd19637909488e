import { resolve } from 'node:path';
import { describe, expect, inject, test } from 'vitest';
import { providerFor } from '../lib/cluster/providers.js';
import { connect } from '../lib/kube/client.js';
import { explainScenario } from '../lib/report/explain.js';
import { publishReports } from '../lib/report/publish.js';
import { summarize } from '../lib/report/summary.js';
import { runScenarios } from '../lib/run/conformance.js';
import { faultPlan, parseFault } from '../lib/run/faults.js';
import type { Session } from '../lib/run/session.js';
import { parseTolerance, runSettings } from '../lib/run/settings.js';
import { selectScenarios } from '../lib/scenarios/registry.js';
import { overlaps } from '../lib/timeline/gaps.js';
import { parseTimeNs } from '../lib/timeline/time.js';
import { poll } from '../lib/wait.js';
import { liveRuntime } from './session-context.js';

/**
 * The seed suite under one fault at a time — the API server restarted, the API server frozen for
 * 20 s, the kubelet restarted — each 20 s into the run, while the five Pods run. A fault may leave
 * the harness blind for a while, so a rule may become undecided; none may fail. About 2 min per
 * fault. Needs the local provider (it restarts and pauses its own processes); a cluster named by
 * SIDECAR_KUBECONFIG is never disturbed, so there the suite is skipped.
 */
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
const runtime = liveRuntime(live);
const provider = live.providerCluster ? providerFor(live.providerCluster) : undefined;
const settings = runSettings({
  shutdownToleranceMs: parseTolerance(process.env.SIDECAR_TOLERANCE_MS),
});
const root = resolve(import.meta.dirname, '..');
const progress = (line: string) => process.stderr.write(`${line}\n`);
const FAULTS = ['apiserver-restart@20s', 'apiserver-pause@20s:20s', 'kubelet-restart@20s'];

/** Each fault run starts on a cluster that answers and a node that is Ready (the last fault may have just ended). */
async function clusterSettled(signal: AbortSignal): Promise<void> {
  await poll(
    async () => {
      const nodes = await kube.core.listNode();
      const ready = nodes.items.every(
        (node) => node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True',
      );
      return nodes.items.length > 0 && ready ? true : undefined;
    },
    {
      description: 'the API server to answer and the node to be Ready',
      timeoutMs: 90_000,
      intervalMs: 1000,
      signal,
    },
  );
}

// Only a provider that restarts and pauses its own components (local; not kind, not --kubeconfig).
describe.skipIf(!provider?.restartComponent || !provider.pauseComponent)(
  `seed scenarios under faults on the local cluster (Kubernetes ${live.cluster.kubernetesVersion})`,
  () => {
    for (const text of FAULTS) {
      test(`under ${text}: no rule fails`, async ({ signal }) => {
        const fault = parseFault(text);
        await clusterSettled(signal);
        // A run id of its own per fault: the seed suite's namespaces of this session may still be terminating.
        const session: Session = {
          runId: `${live.runId}-${fault.kind}`,
          kube,
          cluster: live.cluster,
          image: live.image,
          ...(runtime ? { runtime } : {}),
          close: async () => {},
        };
        const run = await runScenarios(session, selectScenarios({ suite: 'seed' }), settings, {
          root,
          signal,
          progress,
          faults: faultPlan([fault], { provider }),
        });
        // Beside the seed suite's reports, without moving reports/latest.
        const paths = await publishReports(run, resolve(root, 'reports', 'faults'), {
          screenshot: false,
          progress,
        });
        progress(`${summarize(run)}\nreports: ${paths.dir}`);

        const [record] = run.faults ?? [];
        expect(run.faults).toHaveLength(1);
        expect(record?.error, record?.what).toBeUndefined();
        expect(record).toMatchObject({ fault: text, kind: fault.kind, plannedAtMs: 20_000 });
        const fromNs = parseTimeNs(record?.startedAt ?? '');
        const toNs = parseTimeNs(record?.endedAt ?? '');
        const runStartNs = parseTimeNs(run.startedAt);
        // Made on time: 20 s after the run's start, within a second.
        expect(Number((fromNs - runStartNs) / 1_000_000n)).toBeGreaterThanOrEqual(20_000);
        expect(Number((fromNs - runStartNs) / 1_000_000n)).toBeLessThan(21_000);
        expect(run.scenarios.map((s) => s.name)).toEqual(['basic', 'order', 'exit', 'liveness', 'readiness']);
        for (const scenario of run.scenarios) {
          expect.soft(scenario.verdict, explainScenario(scenario)).not.toBe('fail');
        }
        // Log streams resume across the break: every line the seed's containers print is there once.
        for (const scenario of run.scenarios.filter((s) => s.name === 'order' || s.name === 'exit')) {
          for (const container of [...scenario.shape.sidecars, ...scenario.shape.apps]) {
            const lines = scenario.timeline.find({ kind: 'log', container }).map((r) => r.message);
            expect(lines, `${scenario.name}: ${container}'s log lines`).toEqual([container]);
          }
        }
        if (fault.kind === 'apiserver-pause') {
          const blind = run.scenarios.filter((s) =>
            s.timeline.gaps.some((gap) => gap.stream === 'api server' && overlaps(gap, fromNs, toNs)),
          );
          expect(
            blind.length,
            'scenarios whose timeline has an api server gap overlapping the pause',
          ).toBeGreaterThan(0);
        }
      });
    }
  },
);
