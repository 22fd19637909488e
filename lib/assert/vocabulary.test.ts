import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPodManifest } from '../apply/manifest.js';
import { runSettings } from '../run/settings.js';
import { userPodScenario } from '../scenarios/user-pod.js';
import { loadFixture } from '../testing/fixture.js';
import type { TimelineRecord } from '../timeline/record.js';
import { msToNs } from '../timeline/time.js';
import { happensBefore, type Timeline } from '../timeline/timeline.js';
import {
  addRecord,
  bySeq,
  dropRecords,
  patchRecords,
  shiftRecords,
  swapContainers,
  where,
} from '../testing/mutate.js';
import { exitOf, gapBetween, readyAtEnd, readyCountIs, restartCount, startOf } from './vocabulary.js';

const repo = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));
const order = await loadFixture(repo('fixtures/order.json'));
const exit = await loadFixture(repo('fixtures/exit.json'));
const basic = await loadFixture(repo('fixtures/basic.json'));
const liveness = await loadFixture(repo('fixtures/liveness.json'));
const readiness = await loadFixture(repo('fixtures/readiness.json'));

const only = (timeline: Timeline, query: Parameters<Timeline['find']>[0]) => {
  const found = timeline.find(query);
  expect(found, JSON.stringify(query)).toHaveLength(1);
  return found[0] as TimelineRecord;
};

describe('happensBefore', () => {
  const { timeline } = order;
  const firstStarted = only(timeline, { kind: 'started', source: 'event', container: 'first-sidecar' });
  const secondStarted = only(timeline, { kind: 'started', source: 'event', container: 'second-sidecar' });

  it('decides a whole-second tie by the order the harness observed the records', () => {
    // Both Started events read 20:41:50; the first sidecar's was seen 239 ms earlier.
    expect(firstStarted.ns).toBe(secondStarted.ns);
    expect(firstStarted.precision).toBe('second');
    expect(happensBefore(firstStarted, secondStarted)).toBe(true);
    expect(happensBefore(secondStarted, firstStarted)).toBe(false);
  });

  it('follows the observation order when it is reversed', () => {
    const swapped = patchRecords(timeline, bySeq(firstStarted.seq), {
      observedNs: secondStarted.observedNs + 1n,
    });
    const first = only(swapped, { kind: 'started', source: 'event', container: 'first-sidecar' });
    expect(happensBefore(first, secondStarted)).toBe(false);
    expect(happensBefore(secondStarted, first)).toBe(true);
  });

  it('falls back to the sequence number when even the observation times are equal', () => {
    // The final status update carried the first sidecar's termination and the Pod's NotReady, both at 20:42:01.
    const terminated = only(timeline, { kind: 'terminated', container: 'first-sidecar' });
    const podNotReady = timeline.find({ kind: 'pod-not-ready' }).at(-1) as TimelineRecord;
    expect(terminated.ns).toBe(podNotReady.ns);
    expect(terminated.observedNs).toBe(podNotReady.observedNs);
    expect(happensBefore(terminated, podNotReady)).toBe(terminated.seq < podNotReady.seq);
    expect(happensBefore(podNotReady, terminated)).toBe(podNotReady.seq < terminated.seq);
  });

  it('lets different seconds decide, whatever the observation order', () => {
    const sidecar = only(basic.timeline, { kind: 'started', source: 'status', container: 'sidecar' });
    const app = only(basic.timeline, { kind: 'started', source: 'status', container: 'app' });
    const late = { ...sidecar, observedNs: app.observedNs + 1n };
    expect(happensBefore(late, app)).toBe(true);
    expect(happensBefore(app, late)).toBe(false);
  });

  it('orders an exact time against a whole second of the same second by observation', () => {
    const log = only(timeline, { kind: 'log', container: 'app' });
    const terminated = only(timeline, { kind: 'terminated', container: 'app' });
    expect(terminated.ns).toBeLessThan(log.ns);
    expect(happensBefore(log, terminated)).toBe(true);
  });

  it('compares exact times directly', () => {
    const app = only(timeline, { kind: 'log', container: 'app' });
    const second = only(timeline, { kind: 'log', container: 'second-sidecar' });
    expect(happensBefore(app, { ...second, observedNs: 0n })).toBe(true);
    expect(happensBefore(second, app)).toBe(false);
  });
});

describe('exitOf', () => {
  it('prefers the last log line (nanoseconds) over the whole-second termination', () => {
    const exited = exitOf(order.timeline, 'app');
    expect(exited).toMatchObject({ kind: 'log', precision: 'exact', time: '2026-11-28T20:41:54.891210648Z' });
  });

  it('falls back to the termination when the container logged nothing', () => {
    const silent = dropRecords(order.timeline, where({ kind: 'log', container: 'app' }));
    expect(exitOf(silent, 'app')).toMatchObject({
      kind: 'terminated',
      precision: 'second',
      time: '2026-11-28T20:41:54Z',
    });
    expect(exitOf(silent, 'nobody')).toBeUndefined();
  });

  it('takes the last of several log lines', () => {
    const log = only(order.timeline, { kind: 'log', container: 'app' });
    const more = addRecord(order.timeline, {
      ...log,
      message: 'bye',
      precision: 'exact',
      ns: log.ns + msToNs(5),
    });
    expect(exitOf(more, 'app')?.message).toBe('bye');
  });
});

describe('gapBetween (inclusive bounds)', () => {
  const { timeline } = order;
  const bounds = { minMs: 3000, maxMs: 4500 };
  const second = only(timeline, { kind: 'log', container: 'second-sidecar' });
  const first = only(timeline, { kind: 'log', container: 'first-sidecar' });
  const withGap = (ms: number) => shiftRecords(timeline, bySeq(first.seq), second.ns + msToNs(ms) - first.ns);

  it('measures the recorded gap from log line to log line', () => {
    expect(gapBetween(timeline, 'second-sidecar', 'first-sidecar', bounds)).toMatchObject({
      passed: true,
      measurement: { value: 3059, unit: 'ms', min: 3000, max: 4500 },
      evidence: [second, first],
    });
  });

  it.each([
    [3000, true],
    [4500, true],
    [2999, false],
    [4501, false],
  ])('a gap of %i ms passes: %s', (ms, passed) => {
    const result = gapBetween(withGap(ms), 'second-sidecar', 'first-sidecar', bounds);
    expect(result.measurement?.value).toBe(ms);
    expect(result.passed).toBe(passed);
  });

  it('fails, naming both containers, when one never exited', () => {
    const result = gapBetween(timeline, 'second-sidecar', 'nobody', bounds);
    expect(result).toMatchObject({ passed: false, containers: ['second-sidecar', 'nobody'] });
    expect(result.actual).toContain('nobody exited never');
  });
});

describe('restartCount', () => {
  it('is the highest count the container status reached', () => {
    expect(restartCount(liveness.timeline, 'sidecar')).toBe(2);
    expect(restartCount(liveness.timeline, 'app')).toBe(0);
    expect(restartCount(liveness.timeline, 'nobody')).toBe(0);
  });

  it('reads only container status, not other sources', () => {
    const log = only(order.timeline, { kind: 'log', container: 'app' });
    expect(restartCount(addRecord(order.timeline, { ...log, restartCount: 7 }), 'app')).toBe(0);
  });
});

describe('readyAtEnd', () => {
  it('follows the last ready/not-ready record of each container', () => {
    expect(readyAtEnd(basic.timeline, 'sidecar')).toBe(true);
    expect(readyAtEnd(basic.timeline, 'app')).toBe(true);
    expect(readyAtEnd(readiness.timeline, 'app')).toBe(true);
    for (const c of exit.fixture.shape.sidecars.concat(exit.fixture.shape.apps)) {
      expect(readyAtEnd(exit.timeline, c)).toBe(false);
    }
  });

  it('is false for a container never seen ready', () => {
    expect(readiness.timeline.find({ kind: ['ready', 'not-ready'], container: 'sidecar' })).toEqual([]);
    expect(readyAtEnd(readiness.timeline, 'sidecar')).toBe(false);
  });

  it('turns true again with a ready record after the last not-ready', () => {
    const notReady = exit.timeline.find({ kind: 'not-ready', container: 'app' }).at(-1) as TimelineRecord;
    const ready = addRecord(exit.timeline, { ...notReady, kind: 'ready', ns: notReady.ns + 1n });
    expect(readyAtEnd(ready, 'app')).toBe(true);
    expect(readyCountIs(ready, ['first-sidecar', 'second-sidecar', 'app'], 1).passed).toBe(true);
  });
});

describe('startOf', () => {
  it('reads Started events and container status separately', () => {
    expect(startOf(basic.timeline, 'sidecar', 'status')?.time).toBe('2026-11-28T20:41:49Z');
    expect(startOf(basic.timeline, 'sidecar', 'event')?.time).toBe('2026-11-28T20:41:50Z');
  });

  it('is the first start, not a restart', () => {
    expect(startOf(liveness.timeline, 'sidecar', 'status')).toMatchObject({ restartCount: 0 });
  });
});

describe('userPodScenario', () => {
  const rules = async (manifest: string, fixture: typeof order, timeline: Timeline = fixture.timeline) => {
    const { path, pod } = await loadPodManifest(repo(manifest));
    return userPodScenario(path, pod).rules(timeline, fixture.fixture.shape, runSettings());
  };
  const failed = (results: { rule: string; passed: boolean }[]) =>
    results.filter((a) => !a.passed).map((a) => a.rule);

  it('passes on the recorded order run (deleted Pod) and on the exit run (completed Pod)', async () => {
    const deleted = await rules('manifests/file2-sidecar-container-order-example.yaml', order);
    expect(failed(deleted)).toEqual([]);
    expect(deleted.map((a) => a.rule)).not.toContain('Pod completes');
    const completed = await rules('manifests/file3-sidecar-container-exit-example.yaml', exit);
    expect(failed(completed)).toEqual([]);
    expect(completed.map((a) => a.rule)).toContain('Pod completes');
  });

  it('fails when the sidecars stop in manifest order', async () => {
    const swapped = swapContainers(order.timeline, 'first-sidecar', 'second-sidecar', where({ kind: 'log' }));
    const results = await rules('manifests/file2-sidecar-container-order-example.yaml', order, swapped);
    // Only the grace period bounds a user's gaps, so the app → second-sidecar gap (6.1 s) still passes.
    expect(failed(results)).toEqual(['first-sidecar stops 0 ms after second-sidecar']);
    expect(results.find((a) => !a.passed)?.measurement).toMatchObject({ value: -3059, min: 0, max: 30_000 });
  });

  it('fails when a Never Pod does not complete (its last phase stays Running)', async () => {
    const phases = exit.timeline.find({ kind: 'pod-phase' });
    const last = phases.at(-1) as TimelineRecord;
    const running = patchRecords(exit.timeline, bySeq(last.seq), { reason: 'Running' });
    const results = await rules('manifests/file3-sidecar-container-exit-example.yaml', exit, running);
    expect(failed(results)).toEqual(['Pod completes']);
    expect(results.find((a) => a.rule === 'Pod completes')?.actual).toMatch(
      /Running \d{2}:\d{2}:\d{2}\.\d{3}$/,
    );
  });
});
