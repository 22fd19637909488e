import { resolve } from 'node:path';
import { afterAll, describe, expect, inject, test } from 'vitest';
import {
  createNamespace,
  deleteNamespace,
  NamespaceExistsError,
  RUN_LABEL,
  SCENARIO_LABEL,
} from '../lib/apply/apply.js';
import { defaults } from '../lib/config.js';
import { connect } from '../lib/kube/client.js';
import { explainScenario } from '../lib/report/explain.js';
import { httpStatus } from '../lib/retry.js';
import { namespaceFor, runScenario } from '../lib/run/runner.js';
import { runSettings } from '../lib/run/settings.js';
import { basic } from '../lib/scenarios/seed/basic.js';
import { poll } from '../lib/wait.js';
import { liveRuntime } from './session-context.js';

/**
 * The harness touches only namespaces it created in this run: a namespace named like ours but
 * not labelled with this run is never deleted nor reused, and two runs on one cluster at once
 * each clean up their own namespace and leave the other's alone.
 */
const live = inject('liveSession');
const kube = connect(live.kubeconfigPath, live.context);
const runtime = liveRuntime(live);
const root = resolve(import.meta.dirname, '..');

/** Named as the harness names its namespaces (sc-<scenario>-<run id>), so only the label tells. */
const decoys = {
  otherRun: namespaceFor('order', `${live.runId}-decoy`),
  unlabelled: namespaceFor('order', `${live.runId}-nolabel`),
};
const ownNamespace = namespaceFor('order', `${live.runId}-own`);
const otherRunId = `${live.runId}-another-run`;
const created: string[] = [];

async function labelsOf(name: string): Promise<Record<string, string> | undefined> {
  try {
    const namespace = await kube.core.readNamespace({ name });
    return namespace.metadata?.deletionTimestamp ? undefined : (namespace.metadata?.labels ?? {});
  } catch (error) {
    if (httpStatus(error) === 404) return undefined;
    throw error;
  }
}

/** Waits until the namespace is gone from the API server (deletion does not wait for it). */
async function gone(name: string): Promise<void> {
  await poll(
    async () => {
      try {
        await kube.core.readNamespace({ name });
        return undefined;
      } catch (error) {
        if (httpStatus(error) === 404) return true;
        throw error;
      }
    },
    { description: `namespace ${name} to be gone`, timeoutMs: 120_000, intervalMs: 1000 },
  );
}

afterAll(async () => {
  // The decoys are this test's own, made by hand: it removes them by name.
  for (const name of created) {
    await kube.core.deleteNamespace({ name, gracePeriodSeconds: 0 }).catch((error: unknown) => {
      if (httpStatus(error) !== 404) throw error;
    });
  }
  await Promise.all(created.map(gone));
});

describe('namespace isolation', () => {
  test("a namespace named like ours but not this run's is never deleted nor reused", async () => {
    await kube.core.createNamespace({
      body: {
        metadata: { name: decoys.otherRun, labels: { [RUN_LABEL]: otherRunId, [SCENARIO_LABEL]: 'order' } },
      },
    });
    created.push(decoys.otherRun);
    await kube.core.createNamespace({ body: { metadata: { name: decoys.unlabelled } } });
    created.push(decoys.unlabelled);

    expect(await deleteNamespace(kube, decoys.otherRun, live.runId)).toBe(
      `namespace ${decoys.otherRun} is not this run's (label ${RUN_LABEL}=${otherRunId}); left alone`,
    );
    expect(await deleteNamespace(kube, decoys.unlabelled, live.runId)).toBe(
      `namespace ${decoys.unlabelled} is not this run's (no ${RUN_LABEL} label); left alone`,
    );

    // createNamespace refuses them rather than adopting them.
    for (const [name, owner] of [
      [decoys.otherRun, `label ${RUN_LABEL}=${otherRunId}`],
      [decoys.unlabelled, `no ${RUN_LABEL} label`],
    ] as const) {
      const attempt = createNamespace(kube, name, live.runId, 'order');
      await expect(attempt).rejects.toBeInstanceOf(NamespaceExistsError);
      await expect(attempt).rejects.toThrow(
        `namespace ${name} already exists and is not this run's (${owner}); the harness never reuses a namespace it did not create.`,
      );
    }

    // Both are still there, not terminating, with their labels as they were.
    expect(await labelsOf(decoys.otherRun)).toEqual({
      'kubernetes.io/metadata.name': decoys.otherRun,
      [RUN_LABEL]: otherRunId,
      [SCENARIO_LABEL]: 'order',
    });
    expect(await labelsOf(decoys.unlabelled)).toEqual({ 'kubernetes.io/metadata.name': decoys.unlabelled });

    // The control: a namespace this run made is deleted, so the refusals above are not a broken delete.
    await createNamespace(kube, ownNamespace, live.runId, 'order');
    created.push(ownNamespace);
    expect(await deleteNamespace(kube, ownNamespace, live.runId)).toBeUndefined();
    await gone(ownNamespace);
  });

  test('two runs of File 1 at once on one cluster each pass and remove only their own namespace', async ({
    signal,
  }) => {
    const runIds = [`${live.runId}-iso-a`, `${live.runId}-iso-b`];
    const lines = new Map<string, string[]>(runIds.map((id) => [id, []]));
    const results = await Promise.all(
      runIds.map((runId) =>
        runScenario(basic, {
          kube,
          runId,
          image: live.image,
          ...(runtime ? { runtime } : {}),
          settings: runSettings(),
          watchSilenceMs: defaults.watchSilenceMs,
          root,
          signal,
          progress: (line) => {
            lines.get(runId)?.push(line);
            process.stderr.write(`[isolation ${runId}] ${line}\n`);
          },
        }),
      ),
    );

    const namespaces = runIds.map((id) => namespaceFor('basic', id));
    for (const [i, result] of results.entries()) {
      expect(explainScenario(result), explainScenario(result)).toBeUndefined();
      expect(result.namespace).toBe(namespaces[i]);
    }
    // They ran at the same time: each started before the other finished.
    const [a, b] = results.map((r) => ({ start: Date.parse(r.startedAt), end: Date.parse(r.finishedAt) }));
    expect(a!.start < b!.end && b!.start < a!.end, 'the two runs did not overlap').toBe(true);

    for (const [i, runId] of runIds.entries()) {
      const own = lines.get(runId) ?? [];
      const other = namespaces[1 - i] as string;
      // No run mentioned the other's namespace, left its own alone or failed to delete it.
      expect(own.filter((line) => line.includes(other))).toEqual([]);
      expect(own.filter((line) => /left alone|could not delete/.test(line))).toEqual([]);
    }
    await Promise.all(namespaces.map(gone));
  });
});
