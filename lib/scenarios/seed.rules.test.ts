import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import {
  addRecord,
  bySeq,
  dropRecords,
  endNs,
  patchRecords,
  shiftRecords,
  swapContainers,
  where,
} from '../testing/mutate.js';
import type { AssertionResult } from '../assert/result.js';
import { runSettings } from '../run/settings.js';
import { loadFixture } from '../testing/fixture.js';
import type { TimelineRecord } from '../timeline/record.js';
import { msToNs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import type { Scenario } from './scenario.js';
import { basic, jobExit, livenessFail, order, readinessFail } from './seed.js';

// The rules must pass on what Kubernetes v1.37.2 really did, and fail on copies where one promise is broken.
const recorded = async (name: string) =>
  loadFixture(fileURLToPath(new URL(`../../fixtures/${name}.json`, import.meta.url)));
const fixtures = {
  basic: await recorded('basic'),
  order: await recorded('order'),
  exit: await recorded('exit'),
  liveness: await recorded('liveness'),
  readiness: await recorded('readiness'),
};

const settings = runSettings();
/** The seed's sidecars sleep 3 s after SIGTERM (manifests/file2, file3). */
const gapBounds = {
  min: settings.sigtermDelayMs,
  max: settings.sigtermDelayMs + settings.shutdownToleranceMs,
};
const DISPLAY_TIME = /\b\d{2}:\d{2}:\d{2}\.\d{3}\b/;

function check(scenario: Scenario, timeline: Timeline): AssertionResult[] {
  const { fixture } = fixtures[scenario.name as keyof typeof fixtures];
  return scenario.rules(timeline, fixture.shape, settings);
}

const failedRules = (results: AssertionResult[]) => results.filter((a) => !a.passed).map((a) => a.rule);

/** The rule with this sentence failed, and its explanation names `names` and shows when things happened. */
function expectBroken(results: AssertionResult[], rule: string, names: string[]): AssertionResult {
  const assertion = results.find((a) => a.rule === rule);
  expect(assertion, `no rule "${rule}" in ${results.map((a) => a.rule).join('; ')}`).toBeDefined();
  expect(assertion?.passed).toBe(false);
  const text = explainAssertion(assertion as AssertionResult);
  for (const name of names) expect(text).toContain(name);
  expect(text).toMatch(DISPLAY_TIME);
  return assertion as AssertionResult;
}

const lastLog = (timeline: Timeline, container: string) =>
  timeline.find({ kind: 'log', container }).at(-1) as TimelineRecord;
const seconds = (s: number) => BigInt(s) * 1_000_000_000n;

it.each([basic, order, jobExit, livenessFail, readinessFail])(
  '$name passes every rule on the recorded run',
  (scenario) => {
    const results = check(scenario, fixtures[scenario.name as keyof typeof fixtures].timeline);
    expect(results.length).toBeGreaterThan(0);
    expect(failedRules(results)).toEqual([]);
  },
);

describe('order (File 2) fails when', () => {
  const { timeline } = fixtures.order;

  it.each(['event', 'status'] as const)('the sidecars start in swapped order per %s', (source) => {
    const swapped = swapContainers(
      timeline,
      'first-sidecar',
      'second-sidecar',
      where({ kind: 'started', source }),
    );
    const results = check(order, swapped);
    const via = source === 'event' ? 'Started events' : 'container status';
    expect(failedRules(results)).toEqual([`first-sidecar starts before second-sidecar (${via})`]);
    expectBroken(results, `first-sidecar starts before second-sidecar (${via})`, [
      'first-sidecar',
      'second-sidecar',
    ]);
  });

  it('the sidecars stop in manifest order instead of reverse', () => {
    const swapped = swapContainers(timeline, 'first-sidecar', 'second-sidecar', where({ kind: 'log' }));
    const results = check(order, swapped);
    expect(failedRules(results)).toEqual([
      'second-sidecar stops 3000 ms after app',
      'first-sidecar stops 3000 ms after second-sidecar',
    ]);
    const gap = expectBroken(results, 'first-sidecar stops 3000 ms after second-sidecar', [
      'first-sidecar',
      'second-sidecar',
    ]);
    expect(gap.measurement?.value).toBeLessThan(0);
  });

  it.each([
    { gapMs: 2000, why: 'shortened to 2 s' },
    { gapMs: gapBounds.max + 1, why: 'longer than 3 s plus the tolerance' },
  ])('the gap between the sidecars is $why', ({ gapMs }) => {
    const first = lastLog(timeline, 'first-sidecar');
    const target = lastLog(timeline, 'second-sidecar').ns + msToNs(gapMs);
    const results = check(order, shiftRecords(timeline, bySeq(first.seq), target - first.ns));
    expect(failedRules(results)).toEqual(['first-sidecar stops 3000 ms after second-sidecar']);
    const gap = expectBroken(results, 'first-sidecar stops 3000 ms after second-sidecar', [
      'first-sidecar',
      'second-sidecar',
    ]);
    expect(gap.measurement).toEqual({ value: gapMs, unit: 'ms', ...gapBounds });
    expect(gap.actual).toContain(`${gapMs} ms`);
  });

  it('the kubelet never announces stopping a sidecar', () => {
    const results = check(
      order,
      dropRecords(timeline, where({ kind: 'killing', container: 'second-sidecar' })),
    );
    expect(failedRules(results)).toEqual(['Killing event names second-sidecar']);
    expect(results.find((a) => !a.passed)?.measurement?.value).toBe(0);
  });

  // A rule about an absence still has to say when it looked: the shutdown window, with times.
  it('the kubelet never announces stopping a sidecar, and the explanation says when it looked', () => {
    const results = check(
      order,
      dropRecords(timeline, where({ kind: 'killing', container: 'second-sidecar' })),
    );
    expectBroken(results, 'Killing event names second-sidecar', ['second-sidecar']);
  });
});

describe('exit (File 3) fails when', () => {
  const { timeline } = fixtures.exit;
  const { sidecars } = fixtures.exit.fixture.shape;
  const sidecarExits = (r: TimelineRecord) =>
    where({ kind: ['log', 'terminated'] })(r) && sidecars.includes(r.container ?? '');

  it('the sidecars exit before the app', () => {
    const results = check(jobExit, shiftRecords(timeline, sidecarExits, -seconds(5)));
    expect(failedRules(results)).toEqual([
      'app exits before second-sidecar',
      'second-sidecar stops 3000 ms after app',
    ]);
    expectBroken(results, 'app exits before second-sidecar', ['app', 'second-sidecar']);
  });

  it('second-sidecar stops only 2 s after the app', () => {
    const delta = lastLog(timeline, 'app').ns + msToNs(2000) - lastLog(timeline, 'second-sidecar').ns;
    // Both sidecars move, so only the first gap changes.
    const results = check(
      jobExit,
      shiftRecords(timeline, (r) => r.kind === 'log' && sidecarExits(r), delta),
    );
    expect(failedRules(results)).toEqual(['second-sidecar stops 3000 ms after app']);
    const gap = expectBroken(results, 'second-sidecar stops 3000 ms after app', ['app', 'second-sidecar']);
    expect(gap.measurement?.value).toBe(2000);
  });

  it('the app runs 6 s instead of 3 s', () => {
    // Every exit moves 3 s later, so the order and the gaps stay as recorded and only the run time breaks.
    const exits = where({ kind: ['log', 'terminated'] });
    const results = check(jobExit, shiftRecords(timeline, exits, seconds(3)));
    expect(failedRules(results)).toEqual(['app exits about 3000 ms after it starts']);
    const run = expectBroken(results, 'app exits about 3000 ms after it starts', ['app']);
    expect(run.measurement?.value).toBeGreaterThan(settings.appRunMs + 1000 + settings.shutdownToleranceMs);
  });

  it('the Pod ends Failed instead of Succeeded', () => {
    const last = timeline.find({ kind: 'pod-phase' }).at(-1) as TimelineRecord;
    const results = check(jobExit, patchRecords(timeline, bySeq(last.seq), { reason: 'Failed' }));
    expect(failedRules(results)).toEqual(['Pod phase is Succeeded']);
    expectBroken(results, 'Pod phase is Succeeded', ['Failed', '<pod>']);
  });

  it.each([
    { container: 'app', reason: 'Error', exitCode: 1 },
    { container: 'first-sidecar', reason: 'Error', exitCode: 143 },
  ])('$container terminates $reason with exit $exitCode', ({ container, reason, exitCode }) => {
    const results = check(
      jobExit,
      patchRecords(timeline, where({ kind: 'terminated', container }), { reason, exitCode }),
    );
    const rule = `${container} terminated Completed with exit 0`;
    expect(failedRules(results)).toEqual([rule]);
    expect(expectBroken(results, rule, [container]).actual).toContain(`reason ${reason}, exit ${exitCode}`);
  });

  it('a sidecar is still ready at the end', () => {
    const notReady = timeline
      .find({ kind: 'not-ready', container: 'second-sidecar' })
      .at(-1) as TimelineRecord;
    const ready = { source: 'status', kind: 'ready', container: 'second-sidecar', restartCount: 0 } as const;
    const results = check(jobExit, addRecord(timeline, { ...ready, ns: notReady.ns + msToNs(1) }));
    expect(failedRules(results)).toEqual(['READY 0/3']);
    expect(expectBroken(results, 'READY 0/3', ['second-sidecar']).actual).toBe('1/3 ready (second-sidecar)');
  });

  it('the kubelet kills the app instead of letting it finish', () => {
    const exited = timeline.find({ kind: 'terminated', container: 'app' })[0] as TimelineRecord;
    const killing = timeline.find({ kind: 'killing' })[0] as TimelineRecord;
    const results = check(
      jobExit,
      addRecord(timeline, { ...killing, container: 'app', message: 'Stopping container app', ns: exited.ns }),
    );
    expect(failedRules(results)).toEqual(['no Killing event names app']);
    expectBroken(results, 'no Killing event names app', ['app', 'Stopping container app']);
  });
});

describe('liveness (File 4) fails when', () => {
  const { timeline } = fixtures.liveness;

  it('the sidecar is never restarted', () => {
    const dropped = dropRecords(timeline, where({ kind: 'restarted' }));
    const results = check(
      livenessFail,
      patchRecords(dropped, where({ source: 'status', container: 'sidecar' }), { restartCount: 0 }),
    );
    expect(failedRules(results)).toEqual(['sidecar has restarted']);
    expect(expectBroken(results, 'sidecar has restarted', ['sidecar']).measurement?.value).toBe(0);
  });

  it('the app is restarted too', () => {
    const kill = timeline.find({ kind: 'restarted', container: 'sidecar' })[0] as TimelineRecord;
    const results = check(livenessFail, addRecord(timeline, { ...kill, container: 'app', restartCount: 1 }));
    expect(failedRules(results)).toEqual(['app is never restarted']);
    expect(expectBroken(results, 'app is never restarted', ['app']).actual).toBe('restartCount 1');
  });

  it('the Pod leaves Running', () => {
    const failed = { source: 'status', kind: 'pod-phase', reason: 'Failed' } as const;
    const results = check(livenessFail, addRecord(timeline, { ...failed, ns: endNs(timeline) + msToNs(1) }));
    expect(failedRules(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Failed', '<pod>']);
  });

  it('the first liveness kill comes a minute late', () => {
    const results = check(livenessFail, shiftRecords(timeline, where({ kind: 'killing' }), seconds(60)));
    const rule = `first Killing of sidecar ("failed liveness probe") within ${settings.livenessKillWithinMs} ms of its start`;
    expect(failedRules(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBe(85_000);
  });
});

describe('readiness (File 5) fails when', () => {
  const { timeline } = fixtures.readiness;
  const after = () => endNs(timeline) + msToNs(1);

  it('the Pod becomes Ready', () => {
    const results = check(
      readinessFail,
      addRecord(timeline, { source: 'status', kind: 'pod-ready', ns: after() }),
    );
    expect(failedRules(results)).toEqual(['Pod Ready=False', 'Pod is never Ready']);
    expectBroken(results, 'Pod Ready=False', ['<pod>']);
    expectBroken(results, 'Pod is never Ready', ['<pod>']);
  });

  it('the failing sidecar is ready', () => {
    const ready = { source: 'status', kind: 'ready', container: 'sidecar', restartCount: 0 } as const;
    const results = check(readinessFail, addRecord(timeline, { ...ready, ns: after() }));
    expect(failedRules(results)).toEqual(['READY 1/2']);
    expect(expectBroken(results, 'READY 1/2', ['sidecar', 'app']).actual).toBe('2/2 ready (sidecar, app)');
  });

  it('the sidecar is restarted', () => {
    const restart = { source: 'status', kind: 'restarted', container: 'sidecar', restartCount: 1 } as const;
    const results = check(
      readinessFail,
      addRecord(timeline, { ...restart, reason: 'Error', exitCode: 137, ns: after() }),
    );
    expect(failedRules(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });
});

describe('basic (File 1) fails when', () => {
  const { timeline } = fixtures.basic;

  it('the app never starts', () => {
    const results = check(basic, dropRecords(timeline, where({ kind: 'started', container: 'app' })));
    expect(failedRules(results)).toEqual([
      'sidecar starts before app (Started events)',
      'sidecar starts before app (container status)',
      'sidecar and app run together',
    ]);
    expect(
      expectBroken(results, 'sidecar starts before app (Started events)', ['sidecar', 'app']).actual,
    ).toContain('app started never');
    expectBroken(results, 'sidecar and app run together', ['sidecar', 'app']);
  });

  it('only one of two containers is ready (READY 1/2)', () => {
    const notReady = { source: 'status', kind: 'not-ready', container: 'sidecar', restartCount: 0 } as const;
    const results = check(basic, addRecord(timeline, { ...notReady, ns: endNs(timeline) + msToNs(1) }));
    expect(failedRules(results)).toEqual(['READY 2/2']);
    expect(expectBroken(results, 'READY 2/2', ['sidecar', 'app']).actual).toBe('1/2 ready (app)');
  });
});

it('mutations leave the recorded fixtures untouched', () => {
  for (const { fixture, timeline } of Object.values(fixtures))
    expect(timeline.toJSON()).toEqual(fixture.records);
});
