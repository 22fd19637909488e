import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { WINDOW_MS, sidecarReadinessFailing } from './sidecar-readiness-failing.js';

const { fixture, timeline } = await recordedRun('sidecar-readiness-failing');
const check = (t = timeline) => checkScenario(sidecarReadinessFailing, fixture, t);
const wholeSecond = (ns: bigint) => ns - (ns % 1_000_000_000n);
const neverReady = (c: string) =>
  `neither ${c} nor the Pod is ever Ready, watched ≥ ${WINDOW_MS} ms after ${c} started`;
const notRestarted = (c: string) => `${c} is never restarted, watched ≥ ${WINDOW_MS} ms after it started`;

describe('sidecar-readiness-failing (upstream P2)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  for (const container of ['test-webserver', 'busybox']) {
    it(`fails when ${container} is ready for a while (unready again at the end)`, () => {
      const start = startRecord(timeline, container);
      const ready = addRecord(timeline, {
        source: 'status',
        kind: 'ready',
        container,
        ns: start.ns + seconds(20),
      });
      const results = check(
        addRecord(ready, { source: 'status', kind: 'not-ready', container, ns: start.ns + seconds(30) }),
      );
      expect(rulesWith(results)).toEqual([neverReady(container)]);
      expectBroken(results, neverReady(container), [container, 'ready']);
    });
  }

  it('fails when the http probe is never reported failing', () => {
    const results = check(dropRecords(timeline, where({ kind: 'unhealthy', container: 'test-webserver' })));
    const rule =
      'a Unhealthy event names test-webserver with a message matching /Readiness probe failed: .*:81\\/.*connection refused/';
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['test-webserver']).missing).toEqual([
      'a Unhealthy event of test-webserver',
    ]);
  });

  it('fails when the exec probe is never reported timing out', () => {
    const results = check(dropRecords(timeline, where({ kind: 'unhealthy', container: 'busybox' })));
    const rule = 'a Unhealthy event names busybox with a message matching /Readiness probe .*timed out/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['busybox']);
  });

  it('fails when the app is not ready at the end (READY 0/3)', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'not-ready', container: 'main', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['READY 1/3']);
    expect(expectBroken(results, 'READY 1/3', ['main']).measurement?.value).toBe(0);
  });

  for (const container of ['test-webserver', 'busybox', 'main']) {
    it(`fails when ${container} restarts`, () => {
      const results = check(
        addRecord(timeline, {
          source: 'status',
          kind: 'restarted',
          container,
          restartCount: 1,
          ns: wholeSecond(endNs(timeline)),
          precision: 'second',
        }),
      );
      expect(rulesWith(results)).toEqual([notRestarted(container)]);
      expect(expectBroken(results, notRestarted(container), [container]).measurement?.value).toBe(1);
    });
  }

  it('is undecided, not passed, when the harness watched less than the minute', () => {
    const cut = startRecord(timeline, 'test-webserver').ns + seconds(30);
    const short = dropRecords(timeline, (r) => r.ns > cut);
    const undecided = rulesWith(check(short), 'undecided');
    expect(undecided).toEqual(
      expect.arrayContaining([neverReady('test-webserver'), notRestarted('test-webserver')]),
    );
    expect(rulesWith(check(short), 'fail')).toEqual([]);
  });
});
