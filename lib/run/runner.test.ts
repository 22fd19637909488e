import { describe, expect, it } from 'vitest';
import { newRunId } from './session.js';
import { namespaceFor } from './runner.js';

// Kubernetes namespace names are DNS-1123 labels.
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('namespaceFor', () => {
  it('is sc-<scenario>-<run id>', () => {
    expect(namespaceFor('order', '20250713-234731-ab12')).toBe('sc-order-20250713-234731-ab12');
  });

  it('is a DNS-1123 label of at most 63 characters for every seed scenario and a fresh run id', () => {
    const runId = newRunId();
    for (const scenario of ['basic', 'order', 'exit', 'liveness', 'readiness', 'check']) {
      const namespace = namespaceFor(scenario, runId);
      expect(namespace.length).toBeLessThanOrEqual(63);
      expect(namespace).toMatch(DNS_1123_LABEL);
    }
  });

  it('lower-cases and replaces what a label cannot hold', () => {
    const namespace = namespaceFor('My_Scenario.v2', 'RUN 1');
    expect(namespace).toBe('sc-my-scenario-v2-run-1');
    expect(namespace).toMatch(DNS_1123_LABEL);
  });

  it('cuts long names to 63 characters without ending in -', () => {
    const long = namespaceFor('a'.repeat(80), '20250713-234731-ab12');
    expect(long).toHaveLength(63);
    expect(long).toMatch(DNS_1123_LABEL);
    // The cut falls on a dash: it is dropped rather than left at the end.
    const onDash = namespaceFor('b'.repeat(57), 'x-y');
    expect(onDash.length).toBeLessThanOrEqual(63);
    expect(onDash).toMatch(DNS_1123_LABEL);
    expect(onDash.endsWith('-')).toBe(false);
  });
});

describe('inPool', () => {
  it('runs at most the limit at once and keeps the order of the results', async () => {
    const { inPool } = await import('./conformance.js');
    let running = 0;
    let most = 0;
    const results = await inPool([5, 1, 4, 2, 3], 2, async (ms) => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, ms * 5));
      running--;
      return ms * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});

describe('runScenario on a cluster that lacks what the scenario needs', () => {
  it('reports it not applicable with the reason, touching nothing on the cluster', async () => {
    const { runScenario } = await import('./runner.js');
    const { order } = await import('../scenarios/seed/order.js');
    const untouchable = new Proxy({} as never, {
      get: (_, key) => {
        throw new Error(`the cluster was touched (${String(key)})`);
      },
    });
    const lines: string[] = [];
    const result = await runScenario(
      { ...order, requires: { nodeOperations: ['reboot-node'] } },
      {
        kube: untouchable,
        runId: 'r1',
        image: { reference: 'a', used: 'a', substituted: false },
        settings: { shutdownToleranceMs: 2000, podTimeoutMs: 60_000 },
        watchSilenceMs: 10_000,
        root: process.cwd(),
        signal: new AbortController().signal,
        progress: (line) => lines.push(line),
        facts: { kubernetesVersion: 'v1.37.2', nodeOperations: [] },
      },
    );
    expect(result.verdict).toBe('not-applicable');
    expect(result.notApplicable).toMatch(/^not applicable on this cluster: it needs a node reboot/);
    expect(result.assertions).toEqual([]);
    expect(lines).toEqual([`[order] ${result.notApplicable}`]);
  });
});
