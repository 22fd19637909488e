/**
 * The report tests' run, built from the timelines recorded on a live cluster (`fixtures/`): each seed
 * scenario's rules run over its recorded timeline, as `runScenario` runs them after a live Pod. The
 * run, cluster and image facts come from the fixtures' `recordedFrom`; only the failing scenario the
 * tests need is derived, by one labelled mutation of a recorded timeline.
 */
import { fileURLToPath } from 'node:url';
import { exitOf } from '../assert/instants.js';
import { bySeq, shiftRecords } from './mutate.js';
import { LOCAL_NODE_NAME, LOCAL_PORTS } from '../cluster/local/configs/layout.js';
import { REFERENCE_IMAGE, defaults } from '../config.js';
import { runSettings } from '../run/settings.js';
import type { RunResult, ScenarioResult } from '../run/result.js';
import { namespaceFor } from '../run/runner.js';
import type { Scenario } from '../scenarios/scenario.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { assembleRun, judgeScenario } from '../run/judge.js';
import { loadFixture, type TimelineFixture } from './fixture.js';
import { msToNs, parseTimeNs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';

/** Shorter than the sidecars' 3 s SIGTERM delay, so the reverse-shutdown gap rule must fail. */
const MUTATED_GAP_MS = 2000;

/**
 * Recorded timeline, mutated: first-sidecar's exit (as the rules read it) moved to MUTATED_GAP_MS
 * after second-sidecar's. Everything else is as recorded.
 */
function shortenSidecarGap(timeline: Timeline): Timeline {
  const exit = (container: string) => exitOf(timeline, container, { announcedByLastLogLine: true });
  const first = exit('first-sidecar');
  const second = exit('second-sidecar');
  if (!first || !second)
    throw new Error('fixtures/order.json has no exit of first-sidecar or second-sidecar');
  const target = second.ns + msToNs(MUTATED_GAP_MS);
  return shiftRecords(timeline, bySeq(first.seq), target - first.ns);
}

/** The one scenario the tests need failing, and the words the page shows so nobody takes it for a finding. */
const MUTATIONS: Record<string, { label: string; mutate: (timeline: Timeline) => Timeline }> = {
  order: {
    label: `recorded timeline, mutated: first-sidecar exits ${MUTATED_GAP_MS} ms after second-sidecar`,
    mutate: shortenSidecarGap,
  },
};

function scenarioResult(scenario: Scenario, fixture: TimelineFixture, timeline: Timeline): ScenarioResult {
  const { records } = timeline;
  const startedNs = records[0]?.ns ?? 0n;
  return judgeScenario(scenario, {
    namespace: namespaceFor(scenario.name, fixture.recordedFrom.runId),
    podName: fixture.shape.name,
    shape: fixture.shape,
    timeline,
    startedNs,
    finishedNs: records.at(-1)?.ns ?? startedNs,
    settings: runSettings(),
  });
}

async function recordedScenario(
  scenario: Scenario,
): Promise<{ result: ScenarioResult; fixture: TimelineFixture }> {
  const path = fileURLToPath(new URL(`../../fixtures/${scenario.name}.json`, import.meta.url));
  const { fixture, timeline } = await loadFixture(path);
  if (fixture.scenario !== scenario.name) {
    throw new Error(`${path} holds scenario ${fixture.scenario}, not ${scenario.name}`);
  }
  const mutation = MUTATIONS[scenario.name];
  const result = scenarioResult(scenario, fixture, mutation ? mutation.mutate(timeline) : timeline);
  if (mutation) result.title = `${result.title} [${mutation.label}]`;
  return { result, fixture };
}

/** The five seed scenarios over their recorded timelines; `order` fails (see `shortenSidecarGap`). */
export async function exampleRun(): Promise<RunResult> {
  const loaded = await Promise.all(SCENARIOS.filter((s) => s.suite === 'seed').map(recordedScenario));
  const scenarios = loaded.map((l) => l.result);
  const recordedFrom = loaded[0]?.fixture.recordedFrom;
  if (!recordedFrom) throw new Error('no seed scenarios to build the example run from');
  const other = loaded.find((l) => JSON.stringify(l.fixture.recordedFrom) !== JSON.stringify(recordedFrom));
  if (other)
    throw new Error(`fixtures/${other.fixture.scenario}.json was recorded by another run than the rest`);
  // The scenarios ran concurrently: the run spans the earliest start to the latest finish.
  const startedNs = scenarios.map((s) => parseTimeNs(s.startedAt)).reduce((a, b) => (b < a ? b : a));
  const endNs = scenarios.map((s) => parseTimeNs(s.finishedAt)).reduce((a, b) => (b > a ? b : a));
  return assembleRun({
    runId: recordedFrom.runId,
    // The fixtures record the version; the rest is what the local provider always uses.
    cluster: {
      provider: 'local',
      name: defaults.clusterName,
      server: `https://127.0.0.1:${LOCAL_PORTS.apiserver}`,
      kubernetesVersion: recordedFrom.kubernetesVersion,
      nodeName: LOCAL_NODE_NAME,
      runtimeTimes: 'an example run built from recorded fixtures',
    },
    image: {
      reference: REFERENCE_IMAGE,
      used: recordedFrom.image,
      substituted: recordedFrom.image !== REFERENCE_IMAGE,
    },
    settings: runSettings(),
    scenarios,
    startedNs,
    finishedNs: endNs,
  });
}
