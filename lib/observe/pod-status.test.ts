import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseTimeNs } from '../timeline/time.js';
import { diffPod } from './pod-status.js';

// Successive observations of File 3's Pod (restartPolicy Never: two sidecars, an app that exits),
// built by hand. Times are strings as a watch delivers them (JSON.parse), or Date objects as the
// typed client's list calls deliver them; both must give the same records.
const asWatched = (raw: string) => raw as unknown as Date;

const spec: V1Pod['spec'] = {
  restartPolicy: 'Never',
  initContainers: [
    { name: 'first-sidecar', image: 'busybox', restartPolicy: 'Always' },
    { name: 'second-sidecar', image: 'busybox', restartPolicy: 'Always' },
  ],
  containers: [{ name: 'app', image: 'busybox' }],
};

function status(name: string, fields: Partial<V1ContainerStatus> = {}): V1ContainerStatus {
  return {
    name,
    image: 'busybox',
    imageID: '',
    ready: false,
    restartCount: 0,
    state: { waiting: { reason: 'PodInitializing' } },
    ...fields,
  };
}

const running = (id: string, startedAt: Date, ready = true): Partial<V1ContainerStatus> => ({
  containerID: `containerd://${id}`,
  ready,
  started: true,
  state: { running: { startedAt } },
});

const exited = (
  id: string,
  finishedAt: Date,
  exitCode = 0,
  reason = 'Completed',
): Partial<V1ContainerStatus> => ({
  containerID: `containerd://${id}`,
  ready: false,
  started: false,
  state: { terminated: { exitCode, reason, finishedAt } },
});

const readyCondition = (ready: boolean, lastTransitionTime: Date): V1PodCondition => ({
  type: 'Ready',
  status: ready ? 'True' : 'False',
  lastTransitionTime,
});

function pod(phase: string, statuses: V1ContainerStatus[], conditions: V1PodCondition[] = []): V1Pod {
  const isApp = (s: V1ContainerStatus) => s.name === 'app';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'sidecar-container-exit-example' },
    spec,
    status: {
      phase,
      conditions,
      initContainerStatuses: statuses.filter((s) => !isApp(s)),
      containerStatuses: statuses.filter(isApp),
    },
  };
}

const T0 = '2025-07-13T23:47:30Z';
const notReady = readyCondition(false, asWatched(T0));
const observations: V1Pod[] = [
  pod('Pending', [status('first-sidecar'), status('second-sidecar'), status('app')], [notReady]),
  pod(
    'Pending',
    [
      status('first-sidecar', running('a1', asWatched('2025-07-13T23:47:31Z'))),
      status('second-sidecar'),
      status('app'),
    ],
    [notReady],
  ),
  pod(
    'Pending',
    [
      status('first-sidecar', running('a1', asWatched('2025-07-13T23:47:31Z'))),
      status('second-sidecar', running('b1', new Date('2025-07-13T23:47:32Z'))),
      status('app'),
    ],
    [notReady],
  ),
  pod(
    'Running',
    [
      status('first-sidecar', running('a1', asWatched('2025-07-13T23:47:31Z'))),
      status('second-sidecar', running('b1', new Date('2025-07-13T23:47:32Z'))),
      status('app', running('c1', new Date('2025-07-13T23:47:33Z'), false)),
    ],
    [notReady],
  ),
  pod(
    'Running',
    [
      status('first-sidecar', running('a1', asWatched('2025-07-13T23:47:31Z'))),
      status('second-sidecar', running('b1', new Date('2025-07-13T23:47:32Z'))),
      status('app', running('c1', new Date('2025-07-13T23:47:33Z'))),
    ],
    [readyCondition(true, new Date('2025-07-13T23:47:34Z'))],
  ),
  pod(
    'Succeeded',
    [
      status('first-sidecar', exited('a1', asWatched('2025-07-13T23:47:43Z'))),
      status('second-sidecar', exited('b1', new Date('2025-07-13T23:47:40Z'), 143, 'Error')),
      status('app', exited('c1', asWatched('2025-07-13T23:47:36Z'))),
    ],
    [readyCondition(false, asWatched('2025-07-13T23:47:37Z'))],
  ),
];

const observedAt = (step: number) => 1_000_000_000n * BigInt(step + 1);

/** The records of each step, compact: kind, container, time, precision. */
function steps(pods: V1Pod[]) {
  return pods.map((next, i) =>
    diffPod(pods[i - 1], next, observedAt(i)).map((r) => [
      r.kind,
      r.container ?? r.reason,
      r.time,
      r.precision,
    ]),
  );
}

describe('diffPod over one Pod from Pending to Succeeded', () => {
  it('records each lifecycle fact once, at the step it was first seen', () => {
    expect(steps(observations)).toEqual([
      [
        ['pod-phase', 'Pending', '', 'observed'],
        // The first observation says the Pod is not ready; with no server time before it, that is a change.
        ['pod-not-ready', undefined, T0, 'second'],
      ],
      [
        ['started', 'first-sidecar', '2025-07-13T23:47:31Z', 'second'],
        ['startup-passed', 'first-sidecar', '', 'observed'],
        ['ready', 'first-sidecar', '', 'observed'],
      ],
      [
        ['started', 'second-sidecar', '2025-07-13T23:47:32Z', 'second'],
        ['startup-passed', 'second-sidecar', '', 'observed'],
        ['ready', 'second-sidecar', '', 'observed'],
      ],
      [
        ['started', 'app', '2025-07-13T23:47:33Z', 'second'],
        ['startup-passed', 'app', '', 'observed'],
        ['pod-phase', 'Running', '', 'observed'],
      ],
      [
        ['ready', 'app', '', 'observed'],
        ['pod-ready', undefined, '2025-07-13T23:47:34Z', 'second'],
      ],
      [
        ['terminated', 'first-sidecar', '2025-07-13T23:47:43Z', 'second'],
        ['not-ready', 'first-sidecar', '', 'observed'],
        ['terminated', 'second-sidecar', '2025-07-13T23:47:40Z', 'second'],
        ['not-ready', 'second-sidecar', '', 'observed'],
        ['terminated', 'app', '2025-07-13T23:47:36Z', 'second'],
        ['not-ready', 'app', '', 'observed'],
        ['pod-phase', 'Succeeded', '', 'observed'],
        ['pod-not-ready', undefined, '2025-07-13T23:47:37Z', 'second'],
      ],
    ]);
  });

  it('gives server times in nanoseconds and observed facts the observation time', () => {
    const [started, startupPassed, ready] = diffPod(observations[0], observations[1] as V1Pod, observedAt(1));
    expect(started).toEqual({
      source: 'status',
      kind: 'started',
      container: 'first-sidecar',
      time: '2025-07-13T23:47:31Z',
      ns: parseTimeNs('2025-07-13T23:47:31Z'),
      precision: 'second',
      observedNs: observedAt(1),
      restartCount: 0,
    });
    expect(startupPassed).toMatchObject({ kind: 'startup-passed', container: 'first-sidecar', time: '' });
    expect(startupPassed?.ns).toBe(observedAt(1));
    expect(ready).toMatchObject({ kind: 'ready', time: '', ns: observedAt(1), observedNs: observedAt(1) });
  });

  it('carries exit code and reason on terminations', () => {
    const records = diffPod(observations[4], observations[5] as V1Pod, observedAt(5));
    const second = records.find((r) => r.kind === 'terminated' && r.container === 'second-sidecar');
    expect(second).toMatchObject({ exitCode: 143, reason: 'Error', restartCount: 0 });
    const app = records.find((r) => r.kind === 'terminated' && r.container === 'app');
    expect(app).toMatchObject({ exitCode: 0, reason: 'Completed' });
  });

  it('records nothing for an observation that changed nothing', () => {
    for (const [i, observation] of observations.entries()) {
      expect(diffPod(observation, structuredClone(observation), observedAt(i))).toEqual([]);
    }
  });

  it('gives the same times for Date objects and strings, keeping milliseconds a Date carries', () => {
    const asString = pod('Running', [status('app', running('c1', asWatched('2025-07-13T23:47:33Z')))]);
    const asDate = pod('Running', [status('app', running('c1', new Date('2025-07-13T23:47:33Z')))]);
    expect(diffPod(undefined, asDate, 1n)).toEqual(diffPod(undefined, asString, 1n));
    const withMs = pod('Running', [status('app', running('c1', new Date('2025-07-13T23:47:33.250Z')))]);
    expect(diffPod(undefined, withMs, 1n)[0]).toMatchObject({
      time: '2025-07-13T23:47:33.250Z',
      ns: parseTimeNs('2025-07-13T23:47:33Z') + 250_000_000n,
    });
  });
});

describe('diffPod on a liveness restart (File 4)', () => {
  const before = pod('Running', [status('sidecar', running('s1', asWatched('2025-07-13T23:47:31Z')))]);
  const lastState = {
    terminated: { exitCode: 137, reason: 'Error', finishedAt: asWatched('2025-07-13T23:48:01Z') },
  };

  it('records the restart at the old instance finish time and the new start', () => {
    const after = pod('Running', [
      status('sidecar', {
        ...running('s2', asWatched('2025-07-13T23:48:02Z'), false),
        restartCount: 1,
        lastState,
      }),
    ]);
    expect(diffPod(before, after, 9n)).toEqual([
      {
        source: 'status',
        kind: 'restarted',
        container: 'sidecar',
        time: '2025-07-13T23:48:01Z',
        ns: parseTimeNs('2025-07-13T23:48:01Z'),
        precision: 'second',
        observedNs: 9n,
        restartCount: 1,
        reason: 'Error',
        exitCode: 137,
      },
      {
        source: 'status',
        kind: 'started',
        container: 'sidecar',
        time: '2025-07-13T23:48:02Z',
        ns: parseTimeNs('2025-07-13T23:48:02Z'),
        precision: 'second',
        observedNs: 9n,
        restartCount: 1,
      },
      {
        source: 'status',
        kind: 'startup-passed',
        container: 'sidecar',
        time: '',
        ns: 9n,
        precision: 'observed',
        observedNs: 9n,
        restartCount: 1,
      },
      {
        source: 'status',
        kind: 'not-ready',
        container: 'sidecar',
        time: '',
        ns: 9n,
        precision: 'observed',
        observedNs: 9n,
        restartCount: 1,
      },
    ]);
  });

  it('records a restart seen while the new instance still waits (back-off)', () => {
    const waiting = pod('Running', [
      status('sidecar', { restartCount: 1, lastState, state: { waiting: { reason: 'CrashLoopBackOff' } } }),
    ]);
    expect(diffPod(before, waiting, 9n).map((r) => [r.kind, r.restartCount])).toEqual([
      ['restarted', 1],
      ['not-ready', 1],
    ]);
  });

  it('falls back to the observation time when the last state has no finish time', () => {
    const after = pod('Running', [
      status('sidecar', { ...running('s2', new Date('2025-07-13T23:48:02Z')), restartCount: 1 }),
    ]);
    expect(diffPod(before, after, 9n)[0]).toMatchObject({
      kind: 'restarted',
      time: '',
      ns: 9n,
      precision: 'observed',
    });
  });
});

describe('diffPod on a startupProbe (the started flag)', () => {
  const runningNotStarted = (started: boolean | undefined) =>
    pod('Pending', [
      status('first-sidecar', {
        ...running('a1', asWatched('2025-07-13T23:47:31Z'), false),
        ...(started === undefined ? { started: undefined } : { started }),
      }),
    ]);

  it('records startup-passed when started turns true, at the observation time', () => {
    const records = diffPod(runningNotStarted(false), runningNotStarted(true), 7n);
    expect(records).toEqual([
      {
        source: 'status',
        kind: 'startup-passed',
        container: 'first-sidecar',
        time: '',
        ns: 7n,
        precision: 'observed',
        observedNs: 7n,
        restartCount: 0,
      },
    ]);
  });

  it('records nothing while started stays false or is missing', () => {
    expect(diffPod(undefined, runningNotStarted(false), 7n).map((r) => r.kind)).toEqual([
      'started',
      'pod-phase',
    ]);
    expect(diffPod(runningNotStarted(false), runningNotStarted(undefined), 8n)).toEqual([]);
  });

  it('records startup-reset when the same running instance’s started turns false again, never for a new instance', () => {
    const records = diffPod(runningNotStarted(true), runningNotStarted(false), 9n);
    expect(records).toEqual([
      {
        source: 'status',
        kind: 'startup-reset',
        container: 'first-sidecar',
        time: '',
        ns: 9n,
        precision: 'observed',
        observedNs: 9n,
        restartCount: 0,
      },
    ]);
    const next = pod('Pending', [
      status('first-sidecar', {
        ...running('a2', asWatched('2025-07-13T23:47:40Z'), false),
        started: false,
        restartCount: 1,
      }),
    ]);
    expect(diffPod(runningNotStarted(true), next, 10n).map((r) => r.kind)).not.toContain('startup-reset');
  });
});

describe('diffPod on a container status’s resources (in-place resize)', () => {
  const withResources = (cpu: string | undefined, restartCount = 0) =>
    pod('Running', [
      status('first-sidecar', {
        ...running('a1', asWatched('2025-07-13T23:47:31Z')),
        restartCount,
        ...(cpu ? { resources: { requests: { memory: '35Mi', cpu }, limits: { cpu, memory: '35Mi' } } } : {}),
      }),
    ]);

  it('records the resources when they first show and when they change, at the observation time', () => {
    const first = diffPod(withResources(undefined), withResources('20m'), 7n);
    expect(first).toEqual([
      {
        source: 'status',
        kind: 'resources',
        container: 'first-sidecar',
        time: '',
        ns: 7n,
        precision: 'observed',
        observedNs: 7n,
        restartCount: 0,
        message: 'requests cpu=20m memory=35Mi; limits cpu=20m memory=35Mi',
      },
    ]);
    const resized = diffPod(withResources('20m'), withResources('25m', 1), 8n).filter(
      (r) => r.kind === 'resources',
    );
    expect(resized).toMatchObject([
      { restartCount: 1, message: 'requests cpu=25m memory=35Mi; limits cpu=25m memory=35Mi' },
    ]);
  });

  it('records nothing while the resources read the same or a status has none', () => {
    expect(diffPod(withResources('20m'), withResources('20m'), 8n)).toEqual([]);
    expect(diffPod(withResources('20m'), withResources(undefined), 8n)).toEqual([]);
  });
});
