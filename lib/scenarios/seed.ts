import {
  firstEventWithin,
  hasEvent,
  hasRestarted,
  neverRestarted,
  noEvent,
  podNeverReady,
  podPhaseIs,
  podReadyIs,
  podStaysIn,
  readyCountIs,
  runTogether,
  runsFor,
  terminatedWith,
} from '../assert/vocabulary.js';
import { deleteAndWaitGone, waitCompleted, waitRestarts, waitRunning } from './drive.js';
import type { Scenario } from './scenario.js';
import { delayBounds, reverseShutdownRules, sidecarStartRules } from './sidecar-rules.js';
import { sleep } from '../wait.js';

/** The article's five Pods (manifests/, verbatim) and what Kubernetes promises about each. */

const all = (shape: { sidecars: string[]; apps: string[] }) => [...shape.sidecars, ...shape.apps];

export const basic: Scenario = {
  name: 'basic',
  title: 'File 1: a sidecar with probes runs beside the app, Pod Ready 2/2',
  manifest: 'manifests/file1-sidecar-container-example.yaml',
  async drive(context) {
    await waitRunning(context, 2, 2);
  },
  rules(timeline, shape) {
    return [
      ...sidecarStartRules(timeline, shape),
      runTogether(timeline, 'sidecar', 'app'),
      readyCountIs(timeline, all(shape), 2),
      podReadyIs(timeline, true),
      podPhaseIs(timeline, 'Running'),
    ];
  },
};

export const order: Scenario = {
  name: 'order',
  title: 'File 2: sidecars start in manifest order and stop in reverse order, 3 s apart',
  manifest: 'manifests/file2-sidecar-container-order-example.yaml',
  async drive(context) {
    await waitRunning(context, 3);
    await deleteAndWaitGone(context);
  },
  rules(timeline, shape, settings) {
    const bounds = delayBounds(settings.sigtermDelayMs, settings.shutdownToleranceMs);
    return [
      ...sidecarStartRules(timeline, shape),
      ...reverseShutdownRules(timeline, shape, () => bounds),
      // The kubelet announces every stop at once; only the logs show the real order.
      ...all(shape).map((c) => hasEvent(timeline, 'Killing', c)),
    ];
  },
};

export const jobExit: Scenario = {
  name: 'exit',
  title:
    'File 3: after the app of a restartPolicy Never Pod exits, sidecars stop in reverse order and the Pod completes',
  manifest: 'manifests/file3-sidecar-container-exit-example.yaml',
  async drive(context) {
    await waitCompleted(context);
  },
  rules(timeline, shape, settings) {
    const bounds = delayBounds(settings.sigtermDelayMs, settings.shutdownToleranceMs);
    // startedAt has whole seconds, so the app's measured run time may read up to 1 s long.
    const appRun = {
      minMs: settings.appRunMs - 1000,
      maxMs: settings.appRunMs + 1000 + settings.shutdownToleranceMs,
    };
    return [
      ...sidecarStartRules(timeline, shape),
      runsFor(timeline, 'app', settings.appRunMs, appRun),
      ...reverseShutdownRules(timeline, shape, () => bounds),
      podPhaseIs(timeline, 'Succeeded'),
      ...all(shape).map((c) => terminatedWith(timeline, c, { reason: 'Completed', exitCode: 0 })),
      readyCountIs(timeline, all(shape), 0),
      // The app ended by itself; only the sidecars are told to stop.
      noEvent(timeline, 'Killing', 'app'),
      ...shape.sidecars.map((c) => hasEvent(timeline, 'Killing', c)),
    ];
  },
};

export const livenessFail: Scenario = {
  name: 'liveness',
  title: 'File 4: a sidecar failing its liveness probe is restarted; the app is not, the Pod stays Running',
  manifest: 'manifests/file4-sidecar-container-liveness-fail-example.yaml',
  async drive(context) {
    await waitRunning(context, 2);
    await waitRestarts(context, 'sidecar', context.settings.livenessRestarts);
  },
  rules(timeline, shape, settings) {
    return [
      ...sidecarStartRules(timeline, shape),
      hasRestarted(timeline, 'sidecar', settings.livenessRestarts),
      hasEvent(timeline, 'Unhealthy', 'sidecar', /Liveness probe failed/),
      hasEvent(timeline, 'Killing', 'sidecar', /failed liveness probe/),
      // Default probe: periodSeconds 10, failureThreshold 3: the kill comes after 3 failures, plus a
      // period of slack for where the first probe falls.
      firstEventWithin(
        timeline,
        'sidecar',
        'Killing',
        /failed liveness probe/,
        settings.livenessKillWithinMs,
      ),
      neverRestarted(timeline, 'app'),
      podStaysIn(timeline, 'Running'),
    ];
  },
};

export const readinessFail: Scenario = {
  name: 'readiness',
  title: 'File 5: a sidecar failing its readiness probe leaves the Pod NotReady (1/2) without restarts',
  manifest: 'manifests/file5-sidecar-container-readiness-fail-example.yaml',
  async drive(context) {
    await waitRunning(context, 2);
    context.progress(`${context.podName}: observing for ${context.settings.readinessWindowMs} ms`);
    await sleep(context.settings.readinessWindowMs, context.signal);
  },
  rules(timeline, shape) {
    return [
      ...sidecarStartRules(timeline, shape),
      readyCountIs(timeline, all(shape), 1),
      podReadyIs(timeline, false),
      podNeverReady(timeline),
      hasEvent(timeline, 'Unhealthy', 'sidecar', /Readiness probe failed/),
      neverRestarted(timeline, 'sidecar'),
      neverRestarted(timeline, 'app'),
      podStaysIn(timeline, 'Running'),
    ];
  },
};

export const seedScenarios: Scenario[] = [basic, order, jobExit, livenessFail, readinessFail];
