import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';
import {
  allStartAgainAfterExit,
  keepsLastTermination,
  restartedInOrder,
  runningAtEnd,
} from './restart-all.js';

const T = (s: string) => `2026-12-01T12:35:${s}Z`;
const rt = (
  kind: TimelineRecord['kind'],
  container: string,
  at: string,
  extra: Partial<TimelineRecord> = {},
) => record(kind, container, T(at), 'runtime', extra);
const observed = (kind: TimelineRecord['kind'], container: string, at: string, extra = {}) => ({
  ...record(kind, container, T(at), 'status', extra),
  precision: 'observed' as const,
});

/** init, sidecar and app ran; app exited 42; all three came up again in order. */
const restartAll = [
  rt('started', 'init', '41.500', { restartCount: 0 }),
  rt('terminated', 'init', '41.600', { restartCount: 0, exitCode: 0 }),
  rt('started', 'sidecar', '42.000', { restartCount: 0 }),
  rt('started', 'app', '43.000', { restartCount: 0 }),
  rt('terminated', 'app', '43.100', { restartCount: 0, exitCode: 42, reason: 'Error' }),
  rt('started', 'init', '47.800', { restartCount: 1 }),
  rt('terminated', 'init', '47.900', { restartCount: 1, exitCode: 0 }),
  rt('started', 'sidecar', '48.900', { restartCount: 1 }),
  rt('started', 'app', '49.100', { restartCount: 1 }),
];
const after = { container: 'app', exitCode: 42 };

describe('allStartAgainAfterExit', () => {
  it('measures from the exit 42 to the last restarted start', () => {
    const result = allStartAgainAfterExit(new Timeline(restartAll), {
      containers: ['init', 'sidecar', 'app'],
      after,
      withinMs: 10_000,
    });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: 'init, sidecar, app each start again after app exits 42, the last within 10000 ms',
      measurement: { value: 6000, unit: 'ms', max: 10_000 },
    });
    expect(result.actual).toContain('init again 12:35:47.800 (runtime) (4700 ms)');
  });

  it('fails, naming the container, when one restarted before the exit', () => {
    const early = restartAll.map((r) =>
      r.container === 'sidecar' && r.restartCount === 1 ? { ...r, ns: restartAll[4]!.ns - 1_000_000n } : r,
    );
    const result = allStartAgainAfterExit(new Timeline(early), {
      containers: ['init', 'sidecar', 'app'],
      after,
      withinMs: 10_000,
    });
    expect(result.verdict).toBe('fail');
    expect(explainAssertion(result)).toContain('sidecar started again before the exit');
  });

  it('fails when the last restart comes too late, and when the exit 42 or a restart never came', () => {
    const slow = allStartAgainAfterExit(new Timeline(restartAll), {
      containers: ['init', 'sidecar', 'app'],
      after,
      withinMs: 5000,
    });
    expect(slow.verdict).toBe('fail');
    expect(slow.actual).toContain('the last, app, 6000 ms after it');
    const code1 = allStartAgainAfterExit(new Timeline(restartAll), {
      containers: ['init'],
      after: { container: 'app', exitCode: 1 },
      withinMs: 10_000,
    });
    expect(code1).toMatchObject({ verdict: 'fail', missing: ['an exit 1 of app'] });
    const none = allStartAgainAfterExit(
      new Timeline(restartAll.filter((r) => !(r.container === 'sidecar' && r.restartCount === 1))),
      { containers: ['init', 'sidecar'], after, withinMs: 10_000 },
    );
    expect(none).toMatchObject({ verdict: 'fail', missing: ['a restarted start of sidecar'] });
    expect(none.actual).toContain('sidecar never started again');
  });

  it('is undecided when whole seconds cannot place a restart against the exit', () => {
    const coarse = new Timeline([
      record('terminated', 'app', T('43'), 'status', { restartCount: 0, exitCode: 42 }),
      record('started', 'init', T('43'), 'status', { restartCount: 1 }),
    ]);
    expect(allStartAgainAfterExit(coarse, { containers: ['init'], after, withinMs: 10_000 }).verdict).toBe(
      'undecided',
    );
  });
});

describe('restartedInOrder', () => {
  it('orders the instances after the restart, not the first ones', () => {
    const timeline = new Timeline(restartAll);
    expect(
      restartedInOrder(timeline, { first: 'init', then: 'sidecar', firstCompletes: true }),
    ).toMatchObject({
      verdict: 'pass',
      rule: 'init (restarted) exits before sidecar (restarted) starts',
    });
    expect(restartedInOrder(timeline, { first: 'sidecar', then: 'app' }).verdict).toBe('pass');
  });

  it('fails when the restarted app starts before the restarted sidecar', () => {
    const swapped = restartAll.map((r) =>
      r.container === 'app' && r.restartCount === 1 && r.kind === 'started'
        ? { ...r, ns: r.ns - 1_000_000_000n }
        : r,
    );
    const result = restartedInOrder(new Timeline(swapped), { first: 'sidecar', then: 'app' });
    expect(result).toMatchObject({
      verdict: 'fail',
      rule: 'sidecar (restarted) starts before app (restarted) starts',
    });
    expect(explainAssertion(result)).toContain(
      'sidecar (restarted) started 12:35:48.900 (runtime), app (restarted) started 12:35:48.100',
    );
  });

  it('fails, saying what never came, when the restarted init container never exited', () => {
    const result = restartedInOrder(
      new Timeline(
        restartAll.filter(
          (r) => !(r.container === 'init' && r.kind === 'terminated' && r.restartCount === 1),
        ),
      ),
      { first: 'init', then: 'sidecar', firstCompletes: true },
    );
    expect(result).toMatchObject({ verdict: 'fail', missing: ['a restarted exit of init'] });
  });
});

describe('keepsLastTermination', () => {
  it('passes when each restart came with a last termination, and reports it', () => {
    const result = keepsLastTermination(
      new Timeline([
        observed('restarted', 'app', '47.780', {
          restartCount: 1,
          reason: 'RestartingAllContainers',
          exitCode: 137,
        }),
      ]),
      { container: 'app' },
    );
    expect(result.verdict).toBe('pass');
    expect(result.actual).toBe(
      'restart 1 seen 12:35:47.780: last termination RestartingAllContainers, exit 137',
    );
  });

  it('fails when a restart came without one, and when the container never restarted', () => {
    const bare = keepsLastTermination(
      new Timeline([observed('restarted', 'app', '47.780', { restartCount: 1 })]),
      { container: 'app' },
    );
    expect(bare.verdict).toBe('fail');
    expect(bare.actual).toBe('restart 1 seen 12:35:47.780 with no last termination');
    const never = keepsLastTermination(new Timeline(restartAll), { container: 'app' });
    expect(never).toMatchObject({ verdict: 'fail', missing: ['a restart of app'] });
  });
});

describe('runningAtEnd', () => {
  it('passes on a latest instance that never exited, fails on one that did', () => {
    expect(runningAtEnd(new Timeline(restartAll), { container: 'app' })).toMatchObject({
      verdict: 'pass',
      claim: 'absence',
    });
    const ended = runningAtEnd(
      new Timeline([...restartAll, rt('terminated', 'app', '52.000', { restartCount: 1, exitCode: 1 })]),
      { container: 'app' },
    );
    expect(ended.verdict).toBe('fail');
    expect(explainAssertion(ended)).toContain(
      'instance 1 started 12:35:49.100 (runtime), exited 12:35:52.000 (runtime) (exit 1)',
    );
    const removed = runningAtEnd(
      new Timeline([
        ...restartAll,
        observed('restarted', 'app', '52.000', { restartCount: 2, exitCode: 137 }),
      ]),
      { container: 'app' },
    );
    expect(removed.verdict).toBe('fail');
    expect(removed.actual).toContain('restart 2 seen 12:35:52.000, its instance never seen running');
    expect(runningAtEnd(new Timeline(restartAll), { container: 'other' })).toMatchObject({
      verdict: 'fail',
      missing: ['a start of other'],
    });
  });
});
