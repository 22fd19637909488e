import type { CoreV1Event, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKube, type FakeLog, type FakeWatch } from '../testing/fake-kube.js';
import { FakeRuntime } from '../testing/fake-runtime.js';
import type { TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { sleep } from '../wait.js';
import { PodObserver, type ObserverOptions } from './observer.js';

// ---- Pods, statuses and Events as the watch delivers them (times as strings) ----

type State = 'running' | 'terminated' | 'waiting';
interface StatusSpec {
  name: string;
  id?: string;
  state: State;
  restartCount?: number;
  ready?: boolean;
  /** containerID of the instance before this one (lastState.terminated). */
  previousId?: string;
}

const T0 = '2025-07-13T23:47:30Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString().replace('Z', '000000Z');

function status(spec: StatusSpec): V1ContainerStatus {
  const time = at(0) as unknown as Date;
  const state =
    spec.state === 'running'
      ? { running: { startedAt: time } }
      : spec.state === 'terminated'
        ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: time, finishedAt: time } }
        : { waiting: { reason: 'CrashLoopBackOff' } };
  return {
    name: spec.name,
    image: 'busybox',
    imageID: '',
    ready: spec.ready ?? false,
    restartCount: spec.restartCount ?? 0,
    ...(spec.id ? { containerID: spec.id } : {}),
    state,
    ...(spec.previousId
      ? { lastState: { terminated: { exitCode: 137, containerID: spec.previousId, finishedAt: time } } }
      : {}),
  } as V1ContainerStatus;
}

let rv = 100;
function pod(containers: StatusSpec[], fields: { name?: string; uid?: string; phase?: string } = {}): V1Pod {
  return {
    metadata: { name: fields.name ?? 'p', uid: fields.uid ?? 'u1', resourceVersion: `${rv++}` },
    status: { phase: fields.phase ?? 'Running', containerStatuses: containers.map(status) },
  };
}

function event(fields: {
  uid: string;
  podUid: string;
  reason?: string;
  count?: number;
  podName?: string;
}): CoreV1Event {
  return {
    metadata: { name: fields.uid, uid: fields.uid, resourceVersion: `${rv++}` },
    involvedObject: {
      kind: 'Pod',
      name: fields.podName ?? 'p',
      uid: fields.podUid,
      fieldPath: 'spec.containers{app}',
    },
    reason: fields.reason ?? 'Started',
    message: `${fields.reason ?? 'Started'} container app`,
    count: fields.count ?? 1,
    firstTimestamp: T0 as unknown as Date,
    lastTimestamp: T0 as unknown as Date,
  };
}

// ---- An observer on the fake, and its watches ----

const observers: PodObserver[] = [];
afterEach(async () => {
  await Promise.all(observers.splice(0).map((o) => o.stop()));
});

async function observe(
  options: Partial<ObserverOptions> = {},
  prepare: (fake: FakeKube) => void = () => undefined,
): Promise<{ fake: FakeKube; observer: PodObserver; pods: FakeWatch; events: FakeWatch }> {
  const fake = new FakeKube();
  prepare(fake);
  const observer = new PodObserver({
    transport: fake,
    namespace: 'ns',
    silenceMs: 10_000,
    watchRestartDelayMs: 5,
    logReopen: { minDelayMs: 5, maxDelayMs: 20, statusGraceMs: 100 },
    runtimeSweepMs: 300,
    ...(options.podSelector ? {} : { podName: 'p' }),
    ...options,
  } as ObserverOptions);
  observers.push(observer);
  observer.start();
  const [pods, events] = await Promise.all([fake.nthWatch('pods', 1), fake.nthWatch('events', 1)]);
  return { fake, observer, pods, events };
}

const until = <T>(observer: PodObserver, description: string, check: () => T | undefined | false) =>
  observer.waitFor(() => check() || undefined, { description, timeoutMs: 2000 });

const logs = (observer: PodObserver) =>
  observer.timeline.find({ kind: 'log' }).map((r) => `${r.message} r${r.restartCount}`);

describe('PodObserver: Pod and Events', () => {
  it('watches the named Pod and its Events by field selector', async () => {
    const { pods, events, observer } = await observe();
    expect(pods.query).toMatchObject({ fieldSelector: 'metadata.name=p', labelSelector: undefined });
    expect(events.query).toMatchObject({ fieldSelector: 'involvedObject.name=p' });
    expect(observer.podName).toBe('p');
  });

  it('holds Events that arrive before the Pod’s uid is known, then records them; another uid’s are dropped', async () => {
    const { observer, pods, events } = await observe();
    events.send('ADDED', event({ uid: 'e-old', podUid: 'u0', reason: 'Killing' }));
    events.send('ADDED', event({ uid: 'e1', podUid: 'u1', reason: 'Scheduled' }));
    expect(observer.timeline.find({ source: 'event' })).toEqual([]);

    pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }], { uid: 'u1', phase: 'Pending' }));
    expect(observer.podUid).toBe('u1');
    expect(observer.timeline.find({ source: 'event' }).map((r) => r.kind)).toEqual(['scheduled']);

    events.send('ADDED', event({ uid: 'e2', podUid: 'u1', reason: 'Started' }));
    events.send('ADDED', event({ uid: 'e-old2', podUid: 'u0', reason: 'Killing' }));
    expect(observer.timeline.find({ source: 'event' }).map((r) => r.kind)).toEqual(['scheduled', 'started']);
  });

  it('records one Event occurrence per count increment, and nothing for a repeat of a seen count', async () => {
    const { observer, pods, events } = await observe();
    pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }]));
    events.send('ADDED', event({ uid: 'e1', podUid: 'u1', reason: 'Unhealthy', count: 1 }));
    events.send('MODIFIED', event({ uid: 'e1', podUid: 'u1', reason: 'Unhealthy', count: 3 }));
    // A relist replays the Event at the count already recorded.
    events.send('MODIFIED', event({ uid: 'e1', podUid: 'u1', reason: 'Unhealthy', count: 3 }));
    events.send('MODIFIED', event({ uid: 'e1', podUid: 'u1', reason: 'Unhealthy', count: 4 }));
    expect(observer.timeline.find({ kind: 'unhealthy' })).toHaveLength(4);
  });

  it('marks the Pod gone on DELETED, and on a relist that no longer lists it', async () => {
    const first = await observe();
    first.pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }]));
    first.pods.send('DELETED', pod([{ name: 'app', state: 'waiting' }]));
    expect(first.observer.gone).toBe(true);
    expect(first.observer.timeline.find({ kind: 'pod-gone' })).toHaveLength(1);

    const second = await observe();
    second.fake.listPodsAnswer = () => ({ items: [], metadata: { resourceVersion: '500' } });
    second.pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }]));
    second.pods.send('ERROR', { code: 410 });
    await until(second.observer, 'the relist to notice the Pod is gone', () => second.observer.gone);
    expect(second.observer.timeline.find({ kind: 'pod-gone' })).toHaveLength(1);
  });
});

describe('PodObserver: selecting the Pod by label', () => {
  it('observes the first matching Pod, lists later ones, and matches Events by uid client-side', async () => {
    const { observer, pods, events, fake } = await observe({ podSelector: 'job-name=j' });
    expect(pods.query).toMatchObject({ labelSelector: 'job-name=j', fieldSelector: undefined });
    expect(events.query.fieldSelector).toBe('involvedObject.kind=Pod');
    expect(fake.listCalls.map((c) => c.query)).toEqual(
      expect.arrayContaining([{ labelSelector: 'job-name=j' }, { fieldSelector: 'involvedObject.kind=Pod' }]),
    );
    expect(observer.podName).toBeUndefined();

    events.send('ADDED', event({ uid: 'e1', podUid: 'u-abc', podName: 'j-abc', reason: 'Scheduled' }));
    events.send('ADDED', event({ uid: 'e2', podUid: 'u-def', podName: 'j-def', reason: 'Scheduled' }));
    pods.send(
      'ADDED',
      pod([{ name: 'app', id: 'containerd://c1', state: 'running' }], { name: 'j-abc', uid: 'u-abc' }),
    );
    expect(observer.podName).toBe('j-abc');
    expect(observer.podUid).toBe('u-abc');

    // A Job retry: a second Pod matches the selector; it is named, not observed.
    pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }], { name: 'j-def', uid: 'u-def' }));
    pods.send(
      'MODIFIED',
      pod([{ name: 'app', state: 'running', id: 'containerd://c9' }], { name: 'j-def', uid: 'u-def' }),
    );
    pods.send('DELETED', pod([{ name: 'app', state: 'waiting' }], { name: 'j-def', uid: 'u-def' }));
    events.send('ADDED', event({ uid: 'e3', podUid: 'u-def', podName: 'j-def', reason: 'Killing' }));
    expect(observer.otherPods).toEqual(['j-def']);
    expect(observer.pod?.metadata?.name).toBe('j-abc');
    expect(observer.gone).toBe(false);
    expect(observer.timeline.find({ source: 'event' })).toHaveLength(1);

    // Logs are read from the observed Pod only.
    const log = await fake.nthLog('app', 1);
    expect(log.pod).toBe('j-abc');
    expect(fake.logs).toHaveLength(1);
    expect(observer.diagnostics()).toContain('pod ns/j-abc phase=Running');
  });
});

describe('PodObserver: logs', () => {
  const running = (id: string, restartCount = 0, previousId?: string) =>
    pod([{ name: 'app', id: `containerd://${id}`, state: 'running', restartCount, previousId }]);
  const terminated = (id: string, restartCount = 0) =>
    pod([{ name: 'app', id: `containerd://${id}`, state: 'terminated', restartCount }]);

  it('opens one stream per container instance; a restarted container gets a new one, old lines once', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', pod([{ name: 'app', state: 'waiting' }]));
    pods.send('MODIFIED', running('c1'));
    pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'running', ready: true }]));
    const first = await fake.nthLog('app', 1);
    expect(first.options).toEqual({ follow: true, timestamps: true });
    first.line(at(100), 'one');
    first.line(at(200), 'two');
    pods.send('MODIFIED', terminated('c1'));
    first.end();
    pods.send('MODIFIED', running('c2', 1, 'containerd://c1'));
    const second = await fake.nthLog('app', 2);
    expect(second.options).toEqual({ follow: true, timestamps: true });
    second.line(at(300), 'three');
    await until(observer, 'the new instance’s line', () => logs(observer).length === 3);
    pods.send('MODIFIED', running('c2', 1, 'containerd://c1'));
    expect(logs(observer)).toEqual(['one r0', 'two r0', 'three r1']);
    expect(fake.logs).toHaveLength(2);
    expect(observer.problems).toEqual([]);
    const two = observer.timeline.find({ kind: 'log' })[1] as TimelineRecord;
    expect(two).toMatchObject({ source: 'log', container: 'app', precision: 'exact', time: at(200) });
    expect(two.ns).toBe(parseTimeNs(at(200)));
  });

  it('resumes a broken stream from the last line’s time and records each line exactly once', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.line(at(100), 'one');
    first.line(at(200), 'two');
    // The connection drops in the middle of a line; that half line is not kept.
    first.write(`${at(300)} thr`);
    first.break();

    const second = await fake.nthLog('app', 2);
    expect(second.options).toEqual({ follow: true, timestamps: true, sinceTime: at(200) });
    // The server answers sinceTime at whole seconds: it sends the overlap again.
    second.line(at(100), 'one');
    second.line(at(200), 'two');
    second.line(at(300), 'three');
    second.line(at(400), 'four');
    await until(
      observer,
      'the resumed lines and the note',
      () => logs(observer).length >= 4 && observer.problems.length > 0,
    );
    expect(logs(observer)).toEqual(['one r0', 'two r0', 'three r0', 'four r0']);
    expect(observer.problems).toHaveLength(1);
    expect(observer.problems[0]).toMatch(
      new RegExp(`^log stream of app \\(containerd://c1\\) broke at \\S+Z; resumed from ${at(200)}$`),
    );
  });

  it('resumes a stream that ended while its container still runs (the server closed it)', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.line(at(100), 'one');
    first.end();
    const second = await fake.nthLog('app', 2);
    expect(second.options.sinceTime).toBe(at(100));
    second.line(at(100), 'one');
    second.line(at(500), 'two');
    await until(
      observer,
      'the resumed line and the note',
      () => logs(observer).length >= 2 && observer.problems.length > 0,
    );
    expect(logs(observer)).toEqual(['one r0', 'two r0']);
    expect(observer.problems[0]).toMatch(/broke at .*; resumed from/);
  });

  it('does not reopen the stream of a terminated instance that ended normally', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.line(at(100), 'last words');
    pods.send('MODIFIED', terminated('c1'));
    first.end();
    await observer.drainLogs(1000);
    // A wrong reopen would come at once (5 ms backoff); give it the time to show.
    await sleep(150);
    expect(fake.logRequests).toHaveLength(1);
    expect(observer.problems).toEqual([]);
  });

  it('waits for the status to catch up before treating a normal end as a break', async () => {
    const { observer, pods, fake } = await observe({ logReopen: { statusGraceMs: 1000, minDelayMs: 5 } });
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.end();
    // The kubelet reports the exit a moment after the log ends.
    await sleep(50);
    pods.send('MODIFIED', terminated('c1'));
    await observer.drainLogs(1500);
    expect(fake.logRequests).toHaveLength(1);
    expect(observer.problems).toEqual([]);
  });

  it('asks the runtime when the status lags past its grace, and does not reopen a finished instance', async () => {
    const runtime = new FakeRuntime();
    runtime.times.set('c1', { containerId: 'c1', name: 'app', finishedNs: 1n, exitCode: 0 });
    const { observer, pods, fake } = await observe({
      runtime,
      logReopen: { statusGraceMs: 50, minDelayMs: 5 },
    });
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.end();
    // The kubelet is busy: no terminated status arrives at all.
    await observer.drainLogs(1000);
    expect(fake.logRequests).toHaveLength(1);
    expect(observer.timeline.gaps).toEqual([]);
  });

  it('reads a replaced instance’s log as `previous` when its stream breaks after the restart', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    first.line(at(100), 'old one');
    pods.send('MODIFIED', running('c2', 1, 'containerd://c1'));
    await fake.nthLog('app', 2);
    first.break();
    const reopened = await fake.nthLog('app', 3);
    expect(reopened.options).toEqual({ follow: true, timestamps: true, previous: true, sinceTime: at(100) });
    reopened.line(at(100), 'old one');
    reopened.line(at(150), 'old two');
    reopened.end();
    await until(observer, 'the old instance’s last line', () => logs(observer).includes('old two r0'));
    expect(logs(observer)).toEqual(['old one r0', 'old two r0']);
  });

  it('gives up reopening after the configured attempts, with a note', async () => {
    const { observer, pods, fake } = await observe({
      logReopen: { attempts: 2, minDelayMs: 5, maxDelayMs: 10 },
    });
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    fake.refuseLog = () => Object.assign(new Error('service unavailable'), { code: 503 });
    first.line(at(100), 'one');
    first.break();
    await until(observer, 'the note', () => observer.problems.some((p) => p.includes('could not resume')));
    // One open plus three tries (two retries) to resume.
    expect(fake.logRequests).toHaveLength(4);
    expect(observer.problems).toEqual([
      expect.stringMatching(
        /^log stream of app \(containerd:\/\/c1\) broke at \S+; could not resume: service unavailable$/,
      ),
    ]);
  });

  it('stops reopening when observation stops', async () => {
    const { observer, pods, fake } = await observe({
      logReopen: { attempts: 10, minDelayMs: 100, maxDelayMs: 100 },
    });
    pods.send('ADDED', running('c1'));
    const first = await fake.nthLog('app', 1);
    fake.refuseLog = () => new Error('connection refused');
    first.break();
    await fake.until(() => fake.logRequests.length >= 2 || undefined, {
      description: 'a reopen',
      timeoutMs: 2000,
    });
    await observer.stop();
    const requests = fake.logRequests.length;
    await sleep(250);
    expect(fake.logRequests.length).toBe(requests);
    expect(observer.problems).toEqual([]);
  });

  it('aborts open streams on stop, and does not reopen them', async () => {
    const { observer, pods, fake } = await observe();
    pods.send('ADDED', running('c1'));
    const first: FakeLog = await fake.nthLog('app', 1);
    await observer.stop();
    expect(first.aborted).toBe(true);
    await sleep(50);
    expect(fake.logRequests).toHaveLength(1);
  });
});

describe('PodObserver: runtime times', () => {
  const times = (id: string, finished = false) => ({
    containerId: id,
    name: 'app',
    createdNs: parseTimeNs(at(10)),
    startedNs: parseTimeNs(at(20)),
    ...(finished ? { finishedNs: parseTimeNs(at(5000)), exitCode: 0, reason: 'Completed' } : {}),
  });
  const runtimeKinds = (observer: PodObserver, containerId?: string) =>
    observer.timeline
      .find({ source: 'runtime' })
      .filter((r) => !containerId || r.containerId === containerId)
      .map((r) => r.kind);

  it('inspects an instance once when seen running and once when seen terminated, recording each kind once', async () => {
    const runtime = new FakeRuntime();
    runtime.times.set('c1', times('c1'));
    const { observer, pods } = await observe({ runtime });
    pods.send('ADDED', pod([{ name: 'app', id: 'containerd://c1', state: 'running' }]));
    pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'running', ready: true }]));
    await until(observer, 'runtime start', () => runtimeKinds(observer).length === 2);
    expect(runtimeKinds(observer)).toEqual(['created', 'started']);

    runtime.times.set('c1', times('c1', true));
    pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'terminated' }]));
    pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'terminated' }]));
    await until(observer, 'runtime finish', () => runtimeKinds(observer).includes('terminated'));
    await observer.stop();
    expect(runtime.calls).toEqual(['c1', 'c1']);
    expect(runtimeKinds(observer)).toEqual(['created', 'started', 'terminated']);
    expect(observer.timeline.first({ source: 'runtime', kind: 'terminated' })).toMatchObject({
      container: 'app',
      containerId: 'c1',
      precision: 'exact',
      ns: parseTimeNs(at(5000)),
      exitCode: 0,
      restartCount: 0,
    });
  });

  it('never inspects the same instance and state twice at once', async () => {
    const runtime = new FakeRuntime();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    runtime.answer = async (id) => {
      await held;
      return times(id, true);
    };
    const { observer, pods } = await observe({ runtime });
    for (let i = 0; i < 3; i++)
      pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'running' }]));
    pods.send('MODIFIED', pod([{ name: 'app', id: 'containerd://c1', state: 'terminated' }]));
    release();
    await until(observer, 'runtime records', () => runtimeKinds(observer).length === 3);
    await observer.stop();
    expect(runtime.maxInFlight).toBe(1);
    // The first answer already held the finish: the terminated look and the sweep add nothing.
    expect(runtime.callsFor('c1')).toBe(1);
    expect(runtimeKinds(observer)).toEqual(['created', 'started', 'terminated']);
  });

  it('inspects an instance a restart replaced before any update showed it terminated', async () => {
    const runtime = new FakeRuntime();
    runtime.times.set('c1', times('c1'));
    runtime.times.set('c2', times('c2'));
    const { observer, pods } = await observe({ runtime });
    pods.send('ADDED', pod([{ name: 'app', id: 'containerd://c1', state: 'running' }]));
    await until(observer, 'c1 started', () => runtimeKinds(observer, 'c1').length === 2);
    runtime.times.set('c1', times('c1', true));
    pods.send(
      'MODIFIED',
      pod([
        {
          name: 'app',
          id: 'containerd://c2',
          state: 'running',
          restartCount: 1,
          previousId: 'containerd://c1',
        },
      ]),
    );
    await until(observer, 'c1 terminated', () => runtimeKinds(observer, 'c1').includes('terminated'));
    await until(observer, 'c2 started', () => runtimeKinds(observer, 'c2').length === 2);
    const c2 = observer.timeline.find({ source: 'runtime' }).filter((r) => r.containerId === 'c2');
    expect(c2.every((r) => r.restartCount === 1)).toBe(true);
    expect(observer.timeline.first({ source: 'runtime', kind: 'terminated' })?.restartCount).toBe(0);
  });

  it('turns runtime failures and unknown containers into notes, never throws', async () => {
    const runtime = new FakeRuntime();
    runtime.answer = async (id) => {
      if (id === 'c1') throw new Error('crictl: exit status 1');
      return undefined;
    };
    const { observer, pods } = await observe({ runtime });
    pods.send(
      'ADDED',
      pod([
        { name: 'app', id: 'containerd://c1', state: 'running' },
        { name: 'side', id: 'containerd://c2', state: 'running' },
      ]),
    );
    await until(observer, 'two notes', () => observer.problems.length === 2);
    expect(observer.problems.sort()).toEqual([
      'fake runtime does not know side (c2)',
      'fake runtime failed for app (c1): crictl: exit status 1',
    ]);
    expect(runtimeKinds(observer)).toEqual([]);
  });

  it('sweeps instances without a runtime finish before stop() returns, within its bound', async () => {
    const runtime = new FakeRuntime();
    runtime.times.set('c1', times('c1'));
    runtime.times.set('c2', times('c2'));
    const { observer, pods } = await observe({ runtime, runtimeSweepMs: 300 });
    pods.send(
      'ADDED',
      pod([
        { name: 'app', id: 'containerd://c1', state: 'running' },
        { name: 'side', id: 'containerd://c2', state: 'running' },
        { name: 'gone', id: 'containerd://c3', state: 'running' },
      ]),
    );
    await until(observer, 'both starts', () => runtimeKinds(observer).length === 4);
    expect(observer.problems).toEqual(['fake runtime does not know gone (c3)']);
    // By the time the harness stops, c1 has finished; c2 hangs; c3 is still unknown.
    runtime.times.set('c1', times('c1', true));
    let c2Aborted = false;
    runtime.answer = async (id, signal) => {
      if (id === 'c2')
        await sleep(5000, signal).catch((error: unknown) => ((c2Aborted = true), Promise.reject(error)));
      return runtime.times.get(id);
    };
    const started = Date.now();
    await observer.stop();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(runtimeKinds(observer, 'c1')).toEqual(['created', 'started', 'terminated']);
    expect(runtimeKinds(observer, 'c2')).toEqual(['created', 'started']);
    // The sweep is quiet about containers the runtime no longer knows.
    expect(observer.problems).toEqual(['fake runtime does not know gone (c3)']);
    expect(runtime.callsFor('c3')).toBe(2);
    // The hanging inspection was told to give up when the bound passed.
    expect(c2Aborted).toBe(true);
  });
});

describe('PodObserver: where it was blind', () => {
  it('records a gap while the API server does not answer, from the last answer to the next', async () => {
    let frozen = true;
    // A frozen API server: requests hang until it thaws.
    const { observer } = await observe({ heartbeat: { intervalMs: 10, timeoutMs: 30 } }, (fake) => {
      fake.ping = () => (frozen ? new Promise(() => undefined) : Promise.resolve({}));
    });
    await sleep(150);
    expect(observer.timeline.gaps).toEqual([]);
    frozen = false;
    const gap = await until(observer, 'a gap', () => observer.timeline.gaps[0]);
    expect(gap.stream).toBe('api server');
    expect(gap.why).toMatch(/^no answer within 30 ms/);
    expect(Number((gap.toNs - gap.fromNs) / 1_000_000n)).toBeGreaterThanOrEqual(100);
    expect(observer.problems.some((p) => p.includes('api server'))).toBe(true);
  });

  it('records a watch that broke and came back as a gap of that watch', async () => {
    const { fake, observer, pods } = await observe();
    pods.close(new Error('connect ECONNREFUSED'));
    await fake.nthWatch('pods', 2);
    expect(observer.timeline.gaps.map((g) => [g.stream, g.why])).toEqual([['pods watch', 'stream broke']]);
  });

  it('records a log stream that broke and resumed as a gap of that log', async () => {
    const { fake, observer, pods } = await observe();
    pods.send('ADDED', pod([{ name: 'app', id: 'containerd://a1', state: 'running' }]));
    const first = await fake.nthLog('app', 1);
    first.line(at(100), 'one');
    await until(observer, 'line one', () => logs(observer).length === 1);
    first.break();
    await fake.nthLog('app', 2);
    await until(observer, 'a log gap', () => observer.timeline.gaps.length > 0);
    expect(observer.timeline.gaps[0]?.stream).toBe('log of app');
  });
});
