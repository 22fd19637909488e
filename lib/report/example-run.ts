/**
 * SYNTHETIC EXAMPLE — not recorded from a cluster.
 *
 * A small hand-built RunResult for the report tests and for looking at the HTML page while the observe
 * step is being written. Fixtures recorded from live runs replace it: swap the body of `exampleRun()`
 * for a loader of `fixtures/…` and every report test follows. The times are shaped like a real run
 * (Events and statuses in whole seconds, log lines in nanoseconds, readiness only as observed). Values
 * are fixed here rather than read from config, as a recording would be.
 */
import type { PodShape } from '../observe/pod-status.js';
import type { RunResult, ScenarioResult } from '../scenarios/result.js';
import { displayTime, formatTimeNs, msToNs, nsToMs, parseTimeNs } from '../timeline/time.js';
import {
  applied,
  deleteRequested,
  exitGap,
  exited,
  finishScenario,
  killing,
  logLine,
  notReady,
  pick,
  podGone,
  podNotReady,
  podPhase,
  podReady,
  ready,
  restarted,
  scheduled,
  started,
  startedEvent,
  timelineOf,
  unhealthy,
  type Fact,
} from './example-timeline.js';

const RUN_START_NS = parseTimeNs('2026-03-14T23:47:30Z');
const TOLERANCE_MS = 1500;
/** The reference manifests' SIGTERM handlers sleep 3 s; the tolerance is allowed on top. */
const EXIT_GAP = { min: 3000, max: 3000 + TOLERANCE_MS };

const shape = (name: string, restartPolicy: string, sidecars: string[]): PodShape => ({
  name,
  restartPolicy,
  sidecars,
  initContainers: [],
  apps: ['app'],
});

function orderScenario(startNs: bigint): ScenarioResult {
  const manifest = 'manifests/file2-sidecar-container-order-example.yaml';
  const timeline = timelineOf(startNs, [
    applied(manifest),
    scheduled(120),
    started(900, 'first-sidecar'),
    startedEvent(950, 'first-sidecar'),
    ready(1000, 'first-sidecar'),
    started(1900, 'second-sidecar'),
    ready(2000, 'second-sidecar'),
    started(2900, 'app'),
    ready(3050, 'app'),
    podReady(3100),
    podPhase(3100, 'Running'),
    deleteRequested(6000),
    killing(6050, 'app'),
    logLine(9052, 'app'),
    exited(9400, 'app'),
    killing(9500, 'second-sidecar'),
    logLine(12198, 'second-sidecar'),
    exited(12600, 'second-sidecar'),
    killing(12700, 'first-sidecar'),
    logLine(15322, 'first-sidecar'),
    exited(15800, 'first-sidecar'),
    podGone(16900),
  ]);
  const log = (container: string) => pick(timeline, { kind: 'log', container });
  const start = (container: string) => pick(timeline, { kind: 'started', source: 'status', container });
  const [first, second] = [start('first-sidecar'), start('second-sidecar')];
  return finishScenario(
    {
      name: 'order',
      title: 'File 2: sidecars start in order and stop in reverse order',
      manifestPath: manifest,
      namespace: 'sc-order-example',
      podName: 'sidecar-container-order-example',
      shape: shape('sidecar-container-order-example', 'Always', ['first-sidecar', 'second-sidecar']),
      timeline,
      assertions: [
        {
          rule: 'first-sidecar starts before second-sidecar',
          passed: true,
          expected: 'first-sidecar started before second-sidecar',
          actual: `first-sidecar started ${displayTime(first.ns)}, second-sidecar started ${displayTime(second.ns)}`,
          containers: ['first-sidecar', 'second-sidecar'],
          evidence: [first, second],
        },
        exitGap('app exits before second-sidecar', log('app'), log('second-sidecar'), EXIT_GAP),
        exitGap(
          'second-sidecar exits before first-sidecar',
          log('second-sidecar'),
          log('first-sidecar'),
          EXIT_GAP,
        ),
      ],
    },
    startNs,
  );
}

/** Fails on purpose: both sidecars get SIGTERM together, so they exit 41 ms apart instead of 3 s. */
function jobExitScenario(startNs: bigint): ScenarioResult {
  const manifest = 'manifests/file3-sidecar-container-exit-example.yaml';
  const timeline = timelineOf(startNs, [
    applied(manifest),
    scheduled(100),
    started(800, 'first-sidecar'),
    ready(850, 'first-sidecar'),
    started(1800, 'second-sidecar'),
    ready(1900, 'second-sidecar'),
    started(2800, 'app'),
    ready(2900, 'app'),
    podReady(3000),
    podPhase(3000, 'Running'),
    logLine(5812, 'app'),
    exited(6000, 'app'),
    podNotReady(6020),
    killing(6100, 'second-sidecar'),
    killing(6100, 'first-sidecar'),
    logLine(9109, 'second-sidecar'),
    logLine(9150, 'first-sidecar'),
    exited(9600, 'second-sidecar'),
    exited(9600, 'first-sidecar'),
    podPhase(9700, 'Succeeded'),
  ]);
  const log = (container: string) => pick(timeline, { kind: 'log', container });
  const sigtermFirst = pick(timeline, { kind: 'killing', container: 'first-sidecar' });
  return finishScenario(
    {
      name: 'job-exit',
      title: 'File 3: sidecars stop in reverse order after the app exits',
      manifestPath: manifest,
      namespace: 'sc-job-exit-example',
      podName: 'sidecar-container-exit-example',
      shape: shape('sidecar-container-exit-example', 'Never', ['first-sidecar', 'second-sidecar']),
      timeline,
      assertions: [
        {
          rule: 'app completes with exit code 0',
          passed: true,
          expected: 'app terminated with exit code 0',
          actual: 'app terminated with exit code 0 (Completed)',
          containers: ['app'],
          evidence: [pick(timeline, { kind: 'terminated', container: 'app' })],
        },
        exitGap(
          'second-sidecar exits before first-sidecar',
          log('second-sidecar'),
          log('first-sidecar'),
          EXIT_GAP,
        ),
        {
          rule: 'first-sidecar receives SIGTERM only after second-sidecar exits',
          passed: false,
          expected: 'Killing first-sidecar after second-sidecar exited',
          actual: `Killing first-sidecar at ${displayTime(sigtermFirst.ns)}(s), second-sidecar exited ${displayTime(log('second-sidecar').ns)}`,
          containers: ['first-sidecar', 'second-sidecar'],
          evidence: [sigtermFirst, log('second-sidecar')],
        },
        {
          rule: 'Pod phase becomes Succeeded',
          passed: true,
          expected: 'phase Succeeded',
          actual: 'phase Succeeded',
          containers: [],
          evidence: timeline.find({ kind: 'pod-phase' }),
        },
      ],
    },
    startNs,
  );
}

function livenessScenario(startNs: bigint): ScenarioResult {
  const manifest = 'manifests/file4-sidecar-container-liveness-fail-example.yaml';
  const probeFailed = (at: number) => unhealthy(at, 'sidecar', 'Liveness probe failed: ');
  // Three failed probes 10 s apart, then a kill; `sleep` as PID 1 ignores SIGTERM, so SIGKILL after 30 s.
  const probeCycle = (at: number): Fact[] => [
    probeFailed(at),
    probeFailed(at + 10_000),
    probeFailed(at + 20_000),
    killing(at + 20_000, 'sidecar', 'Container sidecar failed liveness probe, will be restarted'),
    notReady(at + 20_050, 'sidecar'),
    podNotReady(at + 20_100),
    exited(at + 50_100, 'sidecar', 137),
  ];
  const restart = (at: number, restartCount: number): Fact[] => [
    restarted(at, 'sidecar', restartCount),
    started(at, 'sidecar', restartCount),
    ready(at + 100, 'sidecar'),
    podReady(at + 150),
  ];
  const timeline = timelineOf(startNs, [
    applied(manifest),
    scheduled(100),
    started(900, 'sidecar'),
    ready(1000, 'sidecar'),
    started(1900, 'app'),
    ready(2000, 'app'),
    podReady(2050),
    podPhase(2050, 'Running'),
    ...probeCycle(10_900),
    ...restart(62_000, 1),
    ...probeCycle(72_000),
    ...restart(133_200, 2),
  ]);
  const restarts = timeline.find({ kind: 'restarted', container: 'sidecar' });
  const appStarted = pick(timeline, { kind: 'started', container: 'app' });
  return finishScenario(
    {
      name: 'liveness',
      title: 'File 4: a sidecar failing its liveness probe is restarted again and again',
      manifestPath: manifest,
      namespace: 'sc-liveness-example',
      podName: 'sidecar-container-liveness-fail-example',
      shape: shape('sidecar-container-liveness-fail-example', 'Always', ['sidecar']),
      timeline,
      assertions: [
        {
          rule: 'sidecar is restarted at least 2 times',
          passed: restarts.length >= 2,
          expected: 'restartCount >= 2',
          actual: `restartCount ${restarts.length}`,
          measurement: { value: restarts.length, unit: 'count', min: 2 },
          containers: ['sidecar'],
          evidence: restarts,
        },
        {
          rule: 'app keeps running while sidecar restarts',
          passed: true,
          expected: 'app has no termination and no restart',
          actual: `app running since ${displayTime(appStarted.ns)}(s), restartCount 0`,
          containers: ['app', 'sidecar'],
          evidence: [appStarted, ...restarts],
        },
      ],
    },
    startNs,
  );
}

/** The synthetic run: one failing scenario with evidence, one passing with exit gaps, one with restarts. */
export function exampleRun(): RunResult {
  const scenarios = [
    orderScenario(RUN_START_NS),
    jobExitScenario(RUN_START_NS + msToNs(18_000)),
    livenessScenario(RUN_START_NS + msToNs(30_000)),
  ];
  const endNs = parseTimeNs(scenarios.at(-1)?.finishedAt ?? formatTimeNs(RUN_START_NS)) + msToNs(600);
  return {
    runId: '20260314-234730-example',
    startedAt: formatTimeNs(RUN_START_NS),
    finishedAt: formatTimeNs(endNs),
    durationMs: Math.round(nsToMs(endNs - RUN_START_NS)),
    cluster: {
      provider: 'local',
      name: 'sidecar-conformance',
      server: 'https://127.0.0.1:6443',
      kubernetesVersion: 'v1.37.2',
      nodeName: 'sidecar-conformance-node',
      kubeletVersion: 'v1.37.2',
      containerRuntimeVersion: 'containerd://2.4.2',
    },
    image: {
      reference: 'nicolaka/netshoot:v0.14',
      used: 'localhost/sidecar-conformance/busybox:1.35',
      substituted: true,
    },
    toleranceMs: TOLERANCE_MS,
    scenarios,
    passed: scenarios.every((s) => s.passed),
  };
}
