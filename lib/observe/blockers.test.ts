import type { V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import { BlockerTracker, blockingStates, describeBlocker, trimMessage, whatBlocks } from './blockers.js';

const PULL_ERROR =
  'failed to pull and unpack image "localhost/nope:1": failed to resolve image: failed to do request: Head "https://localhost/v2/nope/manifests/1": dial tcp 127.0.0.1:443: connect: connection refused';

function status(
  name: string,
  state: V1ContainerState,
  fields: Partial<V1ContainerStatus> = {},
): V1ContainerStatus {
  return { name, image: 'ignored', imageID: '', ready: false, restartCount: 0, state, ...fields };
}

/** A Pod with a plain init container `setup`, a sidecar and an app; statuses given per container. */
function pod(
  statuses: Record<string, V1ContainerState | V1ContainerStatus>,
  extra: Partial<V1Pod['status']> = {},
): V1Pod {
  const asStatus = (name: string) => {
    const s = statuses[name];
    if (!s) return [];
    return ['name' in s ? (s as V1ContainerStatus) : status(name, s as V1ContainerState)];
  };
  return {
    metadata: { name: 'p' },
    spec: {
      initContainers: [
        { name: 'setup', image: 'busybox:1' },
        { name: 'sidecar', image: 'localhost/nope:1', restartPolicy: 'Always' },
      ],
      containers: [{ name: 'app', image: 'busybox:1' }],
    },
    status: {
      phase: 'Pending',
      initContainerStatuses: [...asStatus('setup'), ...asStatus('sidecar')],
      containerStatuses: asStatus('app'),
      ...extra,
    },
  };
}

const done: V1ContainerState = { terminated: { exitCode: 0, reason: 'Completed' } };
const initializing: V1ContainerState = { waiting: { reason: 'PodInitializing' } };
const backOff: V1ContainerState = {
  waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "localhost/nope:1"' },
};
const errPull: V1ContainerState = { waiting: { reason: 'ErrImagePull', message: PULL_ERROR } };

describe('blockingStates and describeBlocker', () => {
  it('a status with ImagePullBackOff gives one sentence naming container, image, reason and message', () => {
    const blockers = blockingStates(pod({ setup: done, sidecar: backOff, app: initializing }));
    expect(blockers).toHaveLength(1);
    expect(describeBlocker(blockers[0] as never)).toBe(
      'sidecar (image localhost/nope:1) cannot start: ImagePullBackOff: Back-off pulling image "localhost/nope:1"',
    );
  });

  it('a crash loop says so with the last exit', () => {
    const crashing = status(
      'app',
      { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container=app' } },
      { restartCount: 2, lastState: { terminated: { exitCode: 1, reason: 'Error' } } },
    );
    const [blocker] = blockingStates(pod({ setup: done, sidecar: { running: {} }, app: crashing }));
    expect(describeBlocker(blocker as never)).toBe(
      'app (image busybox:1) keeps crashing: CrashLoopBackOff: back-off 20s restarting failed container=app; last exit 1 (Error)',
    );
  });

  it('ContainerCreating and PodInitializing do not block', () => {
    const creating = { waiting: { reason: 'ContainerCreating' } };
    expect(blockingStates(pod({ setup: creating, sidecar: initializing, app: initializing }))).toEqual([]);
  });

  it('trims a message to one line without a closing period', () => {
    expect(trimMessage('  a\n  b.  ')).toBe('a b');
    expect(trimMessage('x'.repeat(500))?.length).toBe(240);
    expect(trimMessage('   ')).toBeUndefined();
  });
});

describe('BlockerTracker', () => {
  const clock = () => {
    let now = 0;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };

  it('gives up on an unpullable image after the pull failed again after its back-off, keeping the pull error', () => {
    const time = clock();
    const tracker = new BlockerTracker({ now: time.now });
    const states = [errPull, backOff, backOff, errPull];
    const seen = states.map((sidecar) => {
      time.advance(3000);
      return tracker.see(pod({ setup: done, sidecar, app: initializing }));
    });
    expect(seen.slice(0, 3)).toEqual([undefined, undefined, undefined]);
    expect(describeBlocker(seen[3] as never)).toBe(
      `sidecar (image localhost/nope:1) cannot start: ErrImagePull: ${PULL_ERROR}`,
    );
  });

  it("counts failed pulls from the kubelet's Events when status updates were missed", () => {
    const tracker = new BlockerTracker({ now: () => 0 });
    const failed = (time: string) => ({
      seq: 0,
      source: 'event' as const,
      kind: 'event' as const,
      container: 'sidecar',
      reason: 'Failed',
      message: `Failed to pull image "localhost/nope:1": ${PULL_ERROR}`,
      time,
      ns: parseTimeNs(time),
      precision: 'second' as const,
      observedNs: parseTimeNs(time),
    });
    const stuck = pod({ setup: done, sidecar: backOff, app: initializing });
    const once = new Timeline([failed('2026-12-01T09:27:49Z')]);
    // Seen only once and only in back-off: the first back-off is waited out.
    expect(tracker.see(stuck, once)).toBeUndefined();
    const twice = new Timeline([
      failed('2026-12-01T09:27:49Z'),
      { ...failed('2026-12-01T09:28:02Z'), seq: 1 },
    ]);
    expect(tracker.see(stuck, twice)).toMatchObject({ container: 'sidecar', reason: 'ImagePullBackOff' });
  });

  it('gives up at once on an invalid image name', () => {
    const tracker = new BlockerTracker();
    const invalid = {
      waiting: { reason: 'InvalidImageName', message: 'Failed to apply default image tag "A:B:C"' },
    };
    expect(tracker.see(pod({ setup: done, sidecar: invalid, app: initializing }))).toMatchObject({
      container: 'sidecar',
      reason: 'InvalidImageName',
    });
  });

  it('gives up on a config error that stays for stuckMs, not before; running in between starts over', () => {
    const time = clock();
    const tracker = new BlockerTracker({ now: time.now, stuckMs: 20_000 });
    const config = {
      waiting: { reason: 'CreateContainerConfigError', message: 'configmap "settings" not found' },
    };
    const stuck = pod({ setup: done, sidecar: { running: {} }, app: config });
    expect(tracker.see(stuck)).toBeUndefined();
    time.advance(19_000);
    expect(tracker.see(stuck)).toBeUndefined();
    time.advance(1000);
    expect(describeBlocker(tracker.see(stuck) as never)).toBe(
      'app (image busybox:1) cannot start: CreateContainerConfigError: configmap "settings" not found',
    );
    const other = new BlockerTracker({ now: time.now, stuckMs: 20_000 });
    other.see(stuck);
    time.advance(15_000);
    other.see(pod({ setup: done, sidecar: { running: {} }, app: { running: {} } }));
    time.advance(10_000);
    expect(other.see(stuck)).toBeUndefined();
  });

  it('lets a crash loop go through two back-offs before giving up', () => {
    const tracker = new BlockerTracker({ now: () => 0 });
    const loop = { waiting: { reason: 'CrashLoopBackOff' } };
    const states = [{ running: {} }, loop, { running: {} }, loop, { running: {} }, loop];
    const seen = states.map((app) => tracker.see(pod({ setup: done, sidecar: { running: {} }, app })));
    expect(seen.map((b) => b?.reason)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      'CrashLoopBackOff',
    ]);
  });
});

describe('whatBlocks', () => {
  const startedAt = new Date('2026-12-01T09:00:00Z');
  const nowMs = startedAt.getTime() + 120_000;

  it('names the init container the app and the sidecar wait for, and how long it has run', () => {
    const blocked = pod({ setup: { running: { startedAt } }, sidecar: initializing, app: initializing });
    expect(whatBlocks(blocked, ['sidecar', 'app'], { nowMs })).toEqual([
      'sidecar waits for init container setup, still running after 120 s',
      'app waits for init container setup, still running after 120 s',
    ]);
  });

  it('names a sidecar whose startupProbe has not passed', () => {
    const notStarted = status('sidecar', { running: { startedAt } }, { started: false });
    expect(
      whatBlocks(pod({ setup: done, sidecar: notStarted, app: initializing }), ['app'], { nowMs }),
    ).toEqual([
      'app waits for sidecar sidecar, running but not started: its startupProbe has not passed after 120 s',
    ]);
  });

  it('names an init container that failed, and one that cannot be pulled', () => {
    const failed = { terminated: { exitCode: 2, reason: 'Error' } };
    expect(whatBlocks(pod({ setup: failed, sidecar: initializing, app: initializing }), ['app'])).toEqual([
      'app waits for init container setup, which exited 2 (Error)',
    ]);
    expect(whatBlocks(pod({ setup: done, sidecar: backOff, app: initializing }), ['app'])).toEqual([
      'app waits for sidecar sidecar (image localhost/nope:1), which cannot start: ImagePullBackOff: Back-off pulling image "localhost/nope:1"',
    ]);
  });

  it('names the blocked container itself, an unscheduled Pod and a Pod never seen', () => {
    expect(whatBlocks(pod({ setup: done, sidecar: backOff, app: initializing }), ['sidecar'])).toEqual([
      'sidecar (image localhost/nope:1) cannot start: ImagePullBackOff: Back-off pulling image "localhost/nope:1"',
    ]);
    const unscheduled = pod(
      {},
      {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector.",
          },
        ],
      },
    );
    expect(whatBlocks(unscheduled, ['app'])).toEqual([
      "the Pod is not scheduled: Unschedulable: 0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector",
    ]);
    expect(whatBlocks(undefined, ['app'])).toEqual(['the Pod was never seen']);
  });

  it('names a running container that is not ready', () => {
    expect(
      whatBlocks(pod({ setup: done, sidecar: { running: {} }, app: { running: {} } }, {}), ['app']),
    ).toEqual(['app is running but not ready']);
  });
});
