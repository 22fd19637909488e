import type { AssertionResult, Measurement, Verdict } from '../assert/result.js';
import type { PodShape } from '../timeline/pod-shape.js';
import type { ClusterInfo, FaultRecord, RunResult, ScenarioResult, ScenarioVerdict } from '../run/result.js';
import { gapToJson, type ObservationGapJson } from '../timeline/gaps.js';
import { recordToJson, type TimelineRecordJson } from '../timeline/record.js';

/** Bump when a field changes meaning or disappears; adding fields keeps the version. */
export const JSON_SCHEMA_VERSION = 2;

export interface MeasurementJson {
  value: number;
  unit: Measurement['unit'];
  min: number | null;
  max: number | null;
}

export interface AssertionJson {
  rule: string;
  verdict: Verdict;
  /** verdict === 'pass', for readers of schema 1. */
  passed: boolean;
  expected: string;
  actual: string;
  measurement: MeasurementJson | null;
  /** The two records a measured time runs between (their seq in `timeline`). */
  span: { fromSeq: number; toSeq: number } | null;
  containers: string[];
  evidence: TimelineRecordJson[];
}

/** `{ [rule]: {value, unit} }`: what two runs (two Kubernetes versions) are compared on. */
export type MeasurementMap = Record<string, { value: number; unit: Measurement['unit'] }>;

export interface ScenarioJson {
  name: string;
  title: string;
  manifestPath: string;
  namespace: string;
  pod: string;
  /** Which containers are sidecars, init containers and apps, in manifest order. */
  shape: PodShape;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  verdict: ScenarioVerdict;
  passed: boolean;
  /** Why it did not run on this cluster (verdict not-applicable); null otherwise. */
  notApplicable: string | null;
  error: string | null;
  measurements: MeasurementMap;
  assertions: AssertionJson[];
  timeline: TimelineRecordJson[];
  /** Where the harness was blind while it observed: streams down, the API server not answering. */
  observationGaps: ObservationGapJson[];
}

export interface ScenarioSummaryJson {
  verdict: ScenarioVerdict;
  passed: boolean;
  error: string | null;
  durationMs: number;
  measurements: MeasurementMap;
}

export interface JsonReport {
  schemaVersion: typeof JSON_SCHEMA_VERSION;
  runId: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  verdict: Verdict;
  passed: boolean;
  provider: string;
  kubernetesVersion: string;
  cluster: ClusterInfo;
  image: { reference: string; used: string; substituted: boolean };
  toleranceMs: number;
  summary: {
    scenarios: { total: number; passed: number; failed: number; undecided: number; errored: number };
    assertions: { total: number; passed: number; failed: number; undecided: number };
    byScenario: Record<string, ScenarioSummaryJson>;
  };
  scenarios: ScenarioJson[];
  /** Faults made on purpose during the run (`--fault`), each with what was done and when; empty without any. */
  faults: FaultRecord[];
}

function measurementJson(measurement: Measurement | undefined): MeasurementJson | null {
  if (!measurement) return null;
  return {
    value: measurement.value,
    unit: measurement.unit,
    min: measurement.min ?? null,
    max: measurement.max ?? null,
  };
}

function assertionJson(assertion: AssertionResult): AssertionJson {
  return {
    rule: assertion.rule,
    verdict: assertion.verdict,
    passed: assertion.verdict === 'pass',
    expected: assertion.expected,
    actual: assertion.actual,
    measurement: measurementJson(assertion.measurement),
    span: assertion.span ? { fromSeq: assertion.span.from.seq, toSeq: assertion.span.to.seq } : null,
    containers: [...assertion.containers],
    evidence: assertion.evidence.map(recordToJson),
  };
}

/** Every measured rule of a scenario keyed by its sentence; a repeated sentence gets ` #2`, ` #3`. */
export function measurementMap(scenario: ScenarioResult): MeasurementMap {
  const map: MeasurementMap = {};
  for (const { rule, measurement } of scenario.assertions) {
    if (!measurement) continue;
    let key = rule;
    for (let n = 2; key in map; n++) key = `${rule} #${n}`;
    map[key] = { value: measurement.value, unit: measurement.unit };
  }
  return map;
}

function scenarioJson(scenario: ScenarioResult): ScenarioJson {
  return {
    name: scenario.name,
    title: scenario.title,
    manifestPath: scenario.manifestPath,
    namespace: scenario.namespace,
    pod: scenario.podName,
    shape: scenario.shape,
    startedAt: scenario.startedAt,
    finishedAt: scenario.finishedAt,
    durationMs: scenario.durationMs,
    verdict: scenario.verdict,
    passed: scenario.verdict === 'pass',
    notApplicable: scenario.notApplicable ?? null,
    error: scenario.error ?? null,
    measurements: measurementMap(scenario),
    assertions: scenario.assertions.map(assertionJson),
    timeline: scenario.timeline.toJSON(),
    observationGaps: scenario.timeline.gaps.map(gapToJson),
  };
}

function summary(run: RunResult): JsonReport['summary'] {
  const assertions = run.scenarios.flatMap((s) => s.assertions);
  const byScenario: Record<string, ScenarioSummaryJson> = {};
  for (const scenario of run.scenarios) {
    byScenario[scenario.name] = {
      verdict: scenario.verdict,
      passed: scenario.verdict === 'pass',
      error: scenario.error ?? null,
      durationMs: scenario.durationMs,
      measurements: measurementMap(scenario),
    };
  }
  return {
    scenarios: {
      total: run.scenarios.length,
      passed: run.scenarios.filter((s) => s.verdict === 'pass').length,
      failed: run.scenarios.filter((s) => s.verdict === 'fail' && s.error === undefined).length,
      undecided: run.scenarios.filter((s) => s.verdict === 'undecided').length,
      errored: run.scenarios.filter((s) => s.error !== undefined).length,
    },
    assertions: {
      total: assertions.length,
      passed: assertions.filter((a) => a.verdict === 'pass').length,
      failed: assertions.filter((a) => a.verdict === 'fail').length,
      undecided: assertions.filter((a) => a.verdict === 'undecided').length,
    },
    byScenario,
  };
}

/** Everything the run measured, as plain JSON (BigInt nanoseconds become decimal strings). */
export function toJsonReport(run: RunResult): JsonReport {
  return {
    schemaVersion: JSON_SCHEMA_VERSION,
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.durationMs,
    verdict: run.verdict,
    passed: run.verdict === 'pass',
    provider: run.cluster.provider,
    kubernetesVersion: run.cluster.kubernetesVersion,
    cluster: { ...run.cluster },
    image: { reference: run.image.reference, used: run.image.used, substituted: run.image.substituted },
    toleranceMs: run.toleranceMs,
    summary: summary(run),
    scenarios: run.scenarios.map(scenarioJson),
    faults: run.faults ?? [],
  };
}
