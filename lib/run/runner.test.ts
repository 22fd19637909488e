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
