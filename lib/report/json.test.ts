import { fileURLToPath } from 'node:url';
import { SIGTERM_DELAY_MS } from '../scenarios/seed/order.js';
import { LIVENESS_RESTARTS } from '../scenarios/seed/liveness.js';
import { describe, expect, it } from 'vitest';
import { exitOf } from '../assert/instants.js';
import { restartCount } from '../assert/queries.js';
import { runSettings } from '../run/settings.js';
import { loadFixture } from '../testing/fixture.js';
import { nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exampleRun } from '../testing/example-run.js';
import { JSON_SCHEMA_VERSION, measurementMap, toJsonReport } from './json.js';

const recorded = async (name: string) =>
  loadFixture(fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url)));

/** What the recorded run measured between two containers' exits (as the rules read them), in ms. */
function recordedGapMs(timeline: Timeline, from: string, to: string): number {
  const exit = (container: string) => exitOf(timeline, container, { announcedByLastLogLine: true })?.ns ?? 0n;
  return Math.round(nsToMs(exit(to) - exit(from)));
}

const order = await recorded('order');
const exit = await recorded('exit');
const liveness = await recorded('liveness');
const settings = runSettings();
const gapBounds = {
  min: SIGTERM_DELAY_MS,
  max: SIGTERM_DELAY_MS + settings.shutdownToleranceMs,
};
const appToSecond = recordedGapMs(order.timeline, 'app', 'second-sidecar');

const run = await exampleRun();
const report = toJsonReport(run);
// What lands on disk: it must survive JSON (no BigInt left anywhere).
const parsed = JSON.parse(JSON.stringify(report)) as typeof report;

describe('toJsonReport', () => {
  it('survives JSON serialization unchanged', () => {
    expect(parsed).toEqual(report);
  });

  it('names the schema, the cluster, the image and the tolerance', () => {
    const { recordedFrom } = order.fixture;
    expect(parsed.schemaVersion).toBe(JSON_SCHEMA_VERSION);
    expect(parsed.schemaVersion).toBe(2);
    expect(parsed.provider).toBe('local');
    expect(parsed.kubernetesVersion).toBe(recordedFrom.kubernetesVersion);
    expect(parsed.image).toEqual({
      reference: run.image.reference,
      used: recordedFrom.image,
      substituted: true,
    });
    expect(parsed.toleranceMs).toBe(settings.shutdownToleranceMs);
    expect(parsed.runId).toBe(recordedFrom.runId);
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
        verdict: scenario.verdict,
        error: null,
      });
      expect(json?.shape).toEqual(scenario.shape);
      expect(json?.timeline).toEqual(scenario.timeline.toJSON());
      expect(json?.timeline[0]?.ns).toBe(scenario.timeline.records[0]?.ns.toString());
      expect(json?.assertions).toHaveLength(scenario.assertions.length);
    }
  });

  it('writes each assertion with its measurement bounds and evidence records', () => {
    const json = parsed.scenarios.find((s) => s.name === 'order');
    const gap = json?.assertions.find((a) => a.rule === 'second-sidecar stops 3000–5000 ms after app');
    expect(gap).toMatchObject({
      verdict: 'pass',
      passed: true,
      expected: `≥ ${gapBounds.min} ms and ≤ ${gapBounds.max} ms`,
      measurement: { value: appToSecond, unit: 'ms', ...gapBounds },
      containers: ['app', 'second-sidecar'],
    });
    expect(gap?.actual).toMatch(new RegExp(`^${appToSecond} ms `));
    expect(gap?.evidence.map((r) => [r.source, r.kind, r.container, typeof r.ns])).toEqual([
      ['runtime', 'terminated', 'app', 'string'],
      ['runtime', 'terminated', 'second-sidecar', 'string'],
    ]);
    expect(gap?.span).toEqual({ fromSeq: gap?.evidence[0]?.seq, toSeq: gap?.evidence[1]?.seq });
    const unmeasured = json?.assertions.find((a) => a.rule === 'app exits before second-sidecar');
    expect(unmeasured?.measurement).toBeNull();
    const count = parsed.scenarios
      .find((s) => s.name === 'liveness')
      ?.assertions.find((a) => a.rule === `sidecar has restarted ≥ ${LIVENESS_RESTARTS} times`)?.measurement;
    expect(count).toEqual({
      value: restartCount(liveness.timeline, 'sidecar'),
      unit: 'count',
      min: LIVENESS_RESTARTS,
      max: null,
    });
  });

  it('summarizes counts and a flat measurement map per scenario', () => {
    expect(parsed.summary.scenarios).toEqual({ total: 5, passed: 4, failed: 1, undecided: 0, errored: 0 });
    const assertions = run.scenarios.flatMap((s) => s.assertions);
    expect(parsed.summary.assertions).toEqual({
      total: assertions.length,
      passed: assertions.filter((a) => a.verdict === 'pass').length,
      failed: 1,
      undecided: 0,
    });
    const orderMeasurements = parsed.summary.byScenario.order?.measurements ?? {};
    const measured = run.scenarios.find((s) => s.name === 'order')?.assertions.filter((a) => a.measurement);
    expect(Object.keys(orderMeasurements)).toEqual(measured?.map((a) => a.rule));
    expect(orderMeasurements).toMatchObject({
      'second-sidecar stops 3000–5000 ms after app': { value: appToSecond, unit: 'ms' },
      'a Killing event names app': {
        value: order.timeline.find({ source: 'event', reason: 'Killing', container: 'app' }).length,
        unit: 'count',
      },
    });
    expect(orderMeasurements['first-sidecar stops 3000–5000 ms after second-sidecar']?.value).toBeLessThan(
      gapBounds.min,
    );
    expect(parsed.summary.byScenario.exit).toMatchObject({
      verdict: 'pass',
      passed: true,
      measurements: {
        'second-sidecar stops 3000–5000 ms after app': {
          value: recordedGapMs(exit.timeline, 'app', 'second-sidecar'),
          unit: 'ms',
        },
        'first-sidecar stops 3000–5000 ms after second-sidecar': {
          value: recordedGapMs(exit.timeline, 'second-sidecar', 'first-sidecar'),
          unit: 'ms',
        },
      },
    });
    expect(parsed.scenarios.find((s) => s.name === 'order')?.measurements).toEqual(orderMeasurements);
  });

  it('keeps two measurements of the same sentence apart', async () => {
    const scenario = (await exampleRun()).scenarios.find((s) => s.name === 'order');
    const gap = scenario?.assertions.find((a) => a.rule === 'second-sidecar stops 3000–5000 ms after app');
    if (!scenario || !gap) throw new Error('the example run has no order scenario with a gap rule');
    scenario.assertions.push({ ...gap, measurement: { value: 3001, unit: 'ms' } });
    expect(measurementMap(scenario)).toMatchObject({
      'second-sidecar stops 3000–5000 ms after app': { value: appToSecond, unit: 'ms' },
      'second-sidecar stops 3000–5000 ms after app #2': { value: 3001, unit: 'ms' },
    });
  });

  it('carries a scenario error', async () => {
    const broken = await exampleRun();
    const [first] = broken.scenarios;
    if (!first) throw new Error('the example run has no scenarios');
    first.error = `watch on pods in ${first.namespace} closed: 410 Gone`;
    first.verdict = 'fail';
    const json = toJsonReport(broken);
    expect(json.scenarios[0]?.error).toBe(first.error);
    expect(json.summary.scenarios).toEqual({ total: 5, passed: 3, failed: 1, undecided: 0, errored: 1 });
  });
});
