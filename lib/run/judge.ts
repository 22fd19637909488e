import { decideAcrossGaps } from '../assert/gaps.js';
import { overallVerdict } from '../assert/result.js';
import type { Scenario, RunSettings } from '../scenarios/scenario.js';
import type { PodShape } from '../timeline/pod-shape.js';
import { formatTimeNs, nsToMs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import type { ClusterInfo, ImageChoice, RunResult, ScenarioResult } from './result.js';

/** Checks a scenario's rules over what was observed and puts the result together: one place for live runs and fixtures. */
export function judgeScenario(
  scenario: Scenario,
  observed: {
    namespace: string;
    podName: string;
    shape: PodShape;
    timeline: Timeline;
    startedNs: bigint;
    finishedNs: bigint;
    settings: RunSettings;
    error?: string;
  },
): ScenarioResult {
  const { timeline } = observed;
  const records = timeline.records;
  const window = {
    fromNs: timeline.first({ kind: 'applied' })?.ns ?? records[0]?.ns ?? 0n,
    toNs: timeline.find({ kind: 'observed-until' }).at(-1)?.ns ?? records.at(-1)?.ns ?? 0n,
  };
  const assertions = decideAcrossGaps(
    scenario.rules(timeline, observed.shape, observed.settings),
    timeline.gaps,
    window,
  );
  return {
    name: scenario.name,
    title: scenario.title,
    manifestPath: scenario.manifest,
    namespace: observed.namespace,
    podName: observed.podName,
    shape: observed.shape,
    startedAt: formatTimeNs(observed.startedNs),
    finishedAt: formatTimeNs(observed.finishedNs),
    durationMs: Math.round(nsToMs(observed.finishedNs - observed.startedNs)),
    timeline: observed.timeline,
    assertions,
    verdict: observed.error !== undefined ? 'fail' : overallVerdict(assertions.map((a) => a.verdict)),
    ...(observed.error !== undefined ? { error: observed.error } : {}),
  };
}

/** The result of a scenario the cluster cannot run (`reason` from notApplicable): no rule checked, nothing applied. */
export function notApplicableResult(
  scenario: Scenario,
  observed: { namespace: string; podName: string; shape: PodShape; atNs: bigint; reason: string },
): ScenarioResult {
  return {
    name: scenario.name,
    title: scenario.title,
    manifestPath: scenario.manifest,
    namespace: observed.namespace,
    podName: observed.podName,
    shape: observed.shape,
    startedAt: formatTimeNs(observed.atNs),
    finishedAt: formatTimeNs(observed.atNs),
    durationMs: 0,
    timeline: new Timeline(),
    assertions: [],
    verdict: 'not-applicable',
    notApplicable: observed.reason,
  };
}

/** A run's result from its scenarios' results. */
export function assembleRun(run: {
  runId: string;
  cluster: ClusterInfo;
  image: ImageChoice;
  settings: RunSettings;
  scenarios: ScenarioResult[];
  startedNs: bigint;
  finishedNs: bigint;
}): RunResult {
  return {
    runId: run.runId,
    startedAt: formatTimeNs(run.startedNs),
    finishedAt: formatTimeNs(run.finishedNs),
    durationMs: Math.round(nsToMs(run.finishedNs - run.startedNs)),
    cluster: run.cluster,
    image: run.image,
    toleranceMs: run.settings.shutdownToleranceMs,
    scenarios: run.scenarios,
    // A scenario not applicable here neither passes nor fails the run.
    verdict: overallVerdict(
      run.scenarios.flatMap((s) => (s.verdict === 'not-applicable' ? [] : [s.verdict])),
    ),
  };
}
