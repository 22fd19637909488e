import { describe, expect, it } from 'vitest';
import { exampleRun } from './example-run.js';
import { JSON_SCHEMA_VERSION, measurementMap, toJsonReport } from './json.js';

describe('toJsonReport', () => {
  const run = exampleRun();
  const report = toJsonReport(run);
  // What lands on disk: it must survive JSON (no BigInt left anywhere).
  const parsed = JSON.parse(JSON.stringify(report)) as typeof report;

  it('survives JSON serialization unchanged', () => {
    expect(parsed).toEqual(report);
  });

  it('names the schema, the cluster, the image and the tolerance', () => {
    expect(parsed.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.provider).toBe('local');
    expect(parsed.kubernetesVersion).toBe('v1.37.2');
    expect(parsed.image).toEqual({ reference: run.image.reference, used: run.image.used, substituted: true });
    expect(parsed.toleranceMs).toBe(run.toleranceMs);
    expect(parsed.runId).toBe(run.runId);
  });

  it('keeps every scenario with its timeline, assertions and evidence', () => {
    expect(parsed.scenarios.map((s) => s.name)).toEqual(run.scenarios.map((s) => s.name));
    for (const [i, scenario] of run.scenarios.entries()) {
      const json = parsed.scenarios[i];
      expect(json).toMatchObject({
        name: scenario.name,
        title: scenario.title,
        namespace: scenario.namespace,
        pod: scenario.podName,
        startedAt: scenario.startedAt,
        finishedAt: scenario.finishedAt,
        durationMs: scenario.durationMs,
        passed: scenario.passed,
        error: null,
      });
      expect(json?.shape).toEqual(scenario.shape);
      expect(json?.timeline).toEqual(scenario.timeline.toJSON());
      expect(json?.timeline[0]?.ns).toBe(scenario.timeline.records[0]?.ns.toString());
      expect(json?.assertions).toHaveLength(scenario.assertions.length);
    }
  });

  it('writes each assertion with its measurement bounds and evidence records', () => {
    const order = parsed.scenarios.find((s) => s.name === 'order');
    const gap = order?.assertions.find((a) => a.rule === 'app exits before second-sidecar');
    expect(gap).toMatchObject({
      passed: true,
      expected: 'gap >= 3000 ms and <= 4500 ms',
      actual: '3146 ms',
      measurement: { value: 3146, unit: 'ms', min: 3000, max: 4500 },
      containers: ['app', 'second-sidecar'],
    });
    expect(gap?.evidence.map((r) => [r.kind, r.container, typeof r.ns])).toEqual([
      ['log', 'app', 'string'],
      ['log', 'second-sidecar', 'string'],
    ]);
    const unmeasured = order?.assertions.find((a) => a.rule === 'first-sidecar starts before second-sidecar');
    expect(unmeasured?.measurement).toBeNull();
    const count = parsed.scenarios.find((s) => s.name === 'liveness')?.assertions[0]?.measurement;
    expect(count).toEqual({ value: 2, unit: 'count', min: 2, max: null });
  });

  it('summarizes counts and a flat measurement map per scenario', () => {
    expect(parsed.summary.scenarios).toEqual({ total: 3, passed: 2, failed: 1, errored: 0 });
    const assertions = run.scenarios.flatMap((s) => s.assertions);
    expect(parsed.summary.assertions).toEqual({
      total: assertions.length,
      passed: assertions.filter((a) => a.passed).length,
      failed: 2,
    });
    expect(parsed.summary.byScenario.order?.measurements).toEqual({
      'app exits before second-sidecar': { value: 3146, unit: 'ms' },
      'second-sidecar exits before first-sidecar': { value: 3124, unit: 'ms' },
    });
    expect(parsed.summary.byScenario['job-exit']).toMatchObject({
      passed: false,
      measurements: { 'second-sidecar exits before first-sidecar': { value: 41, unit: 'ms' } },
    });
    expect(parsed.scenarios[0]?.measurements).toEqual(parsed.summary.byScenario.order?.measurements);
  });

  it('keeps two measurements of the same sentence apart', () => {
    const scenario = exampleRun().scenarios[0];
    if (!scenario) throw new Error('the example run has no scenarios');
    const [, gap] = scenario.assertions;
    if (!gap) throw new Error('the order scenario has no gap rule');
    scenario.assertions.push({ ...gap, measurement: { value: 3001, unit: 'ms' } });
    expect(measurementMap(scenario)).toMatchObject({
      'app exits before second-sidecar': { value: 3146, unit: 'ms' },
      'app exits before second-sidecar #2': { value: 3001, unit: 'ms' },
    });
  });

  it('carries a scenario error', () => {
    const broken = exampleRun();
    const [first] = broken.scenarios;
    if (!first) throw new Error('the example run has no scenarios');
    first.error = 'watch on pods in sc-order-example closed: 410 Gone';
    first.passed = false;
    const json = toJsonReport(broken);
    expect(json.scenarios[0]?.error).toBe(first.error);
    expect(json.summary.scenarios).toEqual({ total: 3, passed: 1, failed: 1, errored: 1 });
  });
});
