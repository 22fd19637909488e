import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';
import {
  exitsBeforeStart,
  neverStarts,
  reachesPhaseWithin,
  restartsWithin,
  startsAgainAfter,
} from './lifecycle.js';

const rec = record;
const T = (s: string) => `2026-11-28T20:41:${s}Z`;
/** A Pod-level record the harness made (the apply, an observed phase): no container, observed time. */
function harness(kind: 'applied' | 'pod-phase', time: string, reason?: string): TimelineRecord {
  const { container: _container, ...pod } = rec(kind, '', time, 'harness');
  return { ...pod, precision: 'observed', ...(reason ? { reason } : {}) };
}

describe('exitsBeforeStart', () => {
  it('passes, fails, and is undecided on whole seconds in one second', () => {
    const exact = new Timeline([rec('terminated', 'init', T('50.100')), rec('started', 'sc', T('50.300'))]);
    expect(exitsBeforeStart(exact, { first: 'init', then: 'sc' }).verdict).toBe('pass');
    const late = new Timeline([rec('terminated', 'init', T('50.400')), rec('started', 'sc', T('50.300'))]);
    const broken = exitsBeforeStart(late, { first: 'init', then: 'sc' });
    expect(broken).toMatchObject({ verdict: 'fail', rule: 'init exits before sc starts' });
    expect(explainAssertion(broken)).toContain('init exited 20:41:50.400 (runtime), sc started 20:41:50.300');
    const coarse = new Timeline([
      rec('terminated', 'init', T('50'), 'status'),
      rec('started', 'sc', T('50'), 'status'),
    ]);
    expect(exitsBeforeStart(coarse, { first: 'init', then: 'sc' }).verdict).toBe('undecided');
  });

  it('fails, saying what never came, when the init container never exited', () => {
    const result = exitsBeforeStart(new Timeline([rec('started', 'sc', T('50.3'))]), {
      first: 'init',
      then: 'sc',
    });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['an exit of init']);
  });
});

describe('neverStarts', () => {
  it('claims an absence, and fails on any start or exit', () => {
    const none = neverStarts(new Timeline([rec('started', 'other', T('50.1'))]), { container: 'app' });
    expect(none).toMatchObject({ verdict: 'pass', claim: 'absence', actual: 'never started' });
    const ran = neverStarts(new Timeline([rec('terminated', 'app', T('51'), 'status')]), {
      container: 'app',
    });
    expect(ran.verdict).toBe('fail');
    expect(ran.actual).toBe('terminated 20:41:51.000 (status, whole second)');
  });
});

describe('startsAgainAfter', () => {
  const app = rec('started', 'app', T('50.500'));
  it('takes any later instance that started after the other container', () => {
    const timeline = new Timeline([
      rec('started', 'sc', T('50.000'), 'runtime', { restartCount: 0 }),
      rec('started', 'sc', T('50.400'), 'runtime', { restartCount: 1 }),
      app,
      rec('started', 'sc', T('59.000'), 'runtime', { restartCount: 2 }),
    ]);
    const result = startsAgainAfter(timeline, { container: 'sc', after: 'app' });
    expect(result).toMatchObject({ verdict: 'pass', rule: 'sc starts again after app started' });
    expect(result.measurement?.value).toBe(1);
  });

  it('falls back per instance to the status, and reads only the status when asked', () => {
    const timeline = new Timeline([
      rec('started', 'sc', T('50.000'), 'runtime', { restartCount: 0 }),
      app,
      rec('started', 'sc', T('55'), 'status', { restartCount: 1 }),
    ]);
    expect(startsAgainAfter(timeline, { container: 'sc', after: 'app' }).verdict).toBe('pass');
    const status = startsAgainAfter(timeline, { container: 'sc', after: 'app', source: 'status' });
    expect(status).toMatchObject({
      verdict: 'pass',
      rule: "sc's status shows it running again after app started",
    });
  });

  it('is undecided when the only restart shares the app’s whole second', () => {
    const timeline = new Timeline([
      rec('started', 'app', T('50'), 'status'),
      rec('started', 'sc', T('50'), 'status', { restartCount: 1 }),
    ]);
    expect(startsAgainAfter(timeline, { container: 'sc', after: 'app' }).verdict).toBe('undecided');
  });

  it('fails, naming the missing restart, when the container never started again', () => {
    const timeline = new Timeline([rec('started', 'sc', T('50.0'), 'runtime', { restartCount: 0 }), app]);
    const result = startsAgainAfter(timeline, { container: 'sc', after: 'app', source: 'status' });
    expect(result.verdict).toBe('fail');
    expect(result.missing).toEqual(['a restart of sc in its status']);
  });
});

describe('reachesPhaseWithin and restartsWithin', () => {
  const applied = harness('applied', T('10.000'));
  it('measures from the apply to the first observation of the phase', () => {
    const timeline = new Timeline([
      applied,
      harness('pod-phase', T('10.200'), 'Pending'),
      harness('pod-phase', T('14.000'), 'Failed'),
    ]);
    const result = reachesPhaseWithin(timeline, { phase: 'Failed', withinMs: 60_000 });
    expect(result).toMatchObject({
      verdict: 'pass',
      measurement: { value: 4000, unit: 'ms', min: 0, max: 60_000 },
    });
    expect(reachesPhaseWithin(timeline, { phase: 'Failed', withinMs: 3000 }).verdict).toBe('fail');
    expect(reachesPhaseWithin(timeline, { phase: 'Succeeded', withinMs: 60_000 }).missing).toEqual([
      'phase Succeeded',
    ]);
  });

  it('measures to the start of the instance that reached the count', () => {
    const timeline = new Timeline([
      applied,
      rec('started', 'app', T('11.000'), 'runtime', { restartCount: 0 }),
      rec('started', 'app', T('12.000'), 'runtime', { restartCount: 1 }),
      rec('started', 'app', T('23'), 'status', { restartCount: 2 }),
    ]);
    const two = restartsWithin(timeline, { container: 'app', atLeast: 2, withinMs: 120_000 });
    expect(two).toMatchObject({
      verdict: 'pass',
      rule: 'app has restarted ≥ 2 times within 120000 ms of the Pod being applied',
    });
    expect(two.measurement?.value).toBe(13_000);
    const three = restartsWithin(timeline, { container: 'app', atLeast: 3, withinMs: 120_000 });
    expect(three.verdict).toBe('fail');
    expect(three.missing).toEqual(['restart 3 of app']);
  });
});
