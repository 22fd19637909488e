import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { shiftRecords, where } from '../testing/mutate.js';
import type { RecordSource, TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import { startsAfterCompletion, startsAfterStartup, startupRules } from './startup.js';

/**
 * Hand-built timelines of a Pod with a plain init container `setup`, a sidecar `proxy` (its
 * startupProbe passes 2 s after it starts) and an app. Status records are observed about 40 ms
 * after their server time, as a watch delivers them; `startup-passed` has only its observation.
 */
let seq = 0;
const T = (s: string) => `2026-12-01T09:00:${s}Z`;
function rec(
  kind: TimelineRecord['kind'],
  container: string,
  time: string,
  source: RecordSource,
  extra: Partial<TimelineRecord> = {},
): TimelineRecord {
  const ns = parseTimeNs(time);
  const precision = source === 'runtime' ? 'exact' : source === 'status' ? 'second' : 'observed';
  return { seq: seq++, source, kind, container, time, ns, precision, observedNs: ns, ...extra };
}
/** A status record whose server time is `time` (whole second), seen at `seenAt`. */
const status = (kind: TimelineRecord['kind'], container: string, time: string, seenAt: string, extra = {}) =>
  rec(kind, container, time, 'status', { observedNs: parseTimeNs(seenAt), ...extra });
const flag = (container: string, seenAt: string) =>
  rec('startup-passed', container, seenAt, 'status', { time: '', precision: 'observed' });

const pod = () =>
  new Timeline([
    rec('started', 'setup', T('10.100'), 'runtime'),
    rec('terminated', 'setup', T('11.100'), 'runtime', { exitCode: 0 }),
    status('terminated', 'setup', T('11'), T('11.140'), { exitCode: 0, reason: 'Completed' }),
    rec('started', 'proxy', T('11.600'), 'runtime'),
    status('started', 'proxy', T('11'), T('11.640')),
    flag('proxy', T('13.640')),
    rec('started', 'app', T('14.300'), 'runtime'),
    status('started', 'app', T('14'), T('14.340')),
  ]);

const sequence = {
  initContainers: [
    { name: 'setup', sidecar: false },
    { name: 'proxy', sidecar: true },
  ],
  apps: ['app'],
};

describe('startsAfterStartup', () => {
  it('passes when the status showed the sidecar started before it showed the app running', () => {
    const result = startsAfterStartup(pod(), { sidecar: 'proxy', then: 'app' });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: 'app starts only after proxy reported started: true',
    });
    expect(result.actual).toBe(
      'proxy started: true seen at 09:00:13.640, before app was seen running at 09:00:14.340 (started 09:00:14.300 (runtime))',
    );
  });

  it('fails when the app was shown running in an update before the sidecar was shown started', () => {
    // The app starts 1 s after the sidecar, before its startupProbe passed.
    const broken = shiftRecords(pod(), where({ container: 'app' }), -2_500_000_000n);
    const result = startsAfterStartup(broken, { sidecar: 'proxy', then: 'app' });
    expect(result.verdict).toBe('fail');
    expect(explainAssertion(result)).toContain(
      'the status showed app running (seen at 09:00:11.840, started 09:00:11.800 (runtime)) before it showed proxy started: true (seen at 09:00:13.640)',
    );
  });

  it('is undecided, never failed, when one update first showed both', () => {
    const same = new Timeline(
      pod().records.map((r) =>
        r.kind === 'startup-passed' ? { ...r, observedNs: parseTimeNs(T('14.340')) } : r,
      ),
    );
    const result = startsAfterStartup(same, { sidecar: 'proxy', then: 'app' });
    expect(result.verdict).toBe('undecided');
    expect(result.actual).toContain('first shown in one status update (seen at 09:00:14.340)');
  });

  it('fails when the sidecar never ran, undecided when its flag was never seen though it ran', () => {
    const noFlag = new Timeline(pod().records.filter((r) => r.kind !== 'startup-passed'));
    expect(startsAfterStartup(noFlag, { sidecar: 'proxy', then: 'app' }).verdict).toBe('undecided');
    const noSidecar = new Timeline(noFlag.records.filter((r) => r.container !== 'proxy'));
    const result = startsAfterStartup(noSidecar, { sidecar: 'proxy', then: 'app' });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toBe('app started 09:00:14.300 (runtime); proxy never started');
  });

  it('fails when the app never started', () => {
    const noApp = new Timeline(pod().records.filter((r) => r.container !== 'app'));
    expect(startsAfterStartup(noApp, { sidecar: 'proxy', then: 'app' })).toMatchObject({
      verdict: 'fail',
      actual: 'app never started; proxy started: true seen at 09:00:13.640',
    });
  });
});

describe('startsAfterCompletion', () => {
  it('passes when the init container exited 0 before the next one started (runtime ns)', () => {
    const result = startsAfterCompletion(pod(), { init: 'setup', then: 'proxy' });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: 'proxy starts only after init container setup completed (exit 0)',
      actual: 'setup exited 0 09:00:11.100 (runtime), proxy started 09:00:11.600 (runtime)',
    });
  });

  it('fails when the sidecar started before the init container exited', () => {
    const early = shiftRecords(pod(), where({ container: 'proxy' }), -1_000_000_000n);
    const result = startsAfterCompletion(early, { init: 'setup', then: 'proxy' });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toBe('setup exited 0 09:00:11.100 (runtime), proxy started 09:00:10.600 (runtime)');
  });

  it('fails when the init container never exited 0, naming its last exit', () => {
    const failed = new Timeline(
      pod().records.map((r) => (r.kind === 'terminated' ? { ...r, exitCode: 1, reason: 'Error' } : r)),
    );
    const result = startsAfterCompletion(failed, { init: 'setup', then: 'app' });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toBe(
      'setup never exited 0 (last exit 1 09:00:11.100 (runtime)); app started 09:00:14.300 (runtime)',
    );
  });

  it('is undecided on two status times in one second', () => {
    const coarse = new Timeline(pod().records.filter((r) => r.source !== 'runtime'));
    const result = startsAfterCompletion(coarse, { init: 'setup', then: 'proxy' });
    expect(result.verdict).toBe('undecided');
    expect(result.actual).toContain('too coarse');
  });
});

describe('startupRules', () => {
  it('checks each init container against the one before it, and the app against all of them', () => {
    const results = startupRules(pod(), sequence);
    expect(results.map((r) => [r.rule, r.verdict])).toEqual([
      ['proxy starts only after init container setup completed (exit 0)', 'pass'],
      ['app starts only after init container setup completed (exit 0)', 'pass'],
      ['app starts only after proxy reported started: true', 'pass'],
    ]);
  });

  it('a never-ending init container fails every rule that waits on it, naming it', () => {
    const stuck = new Timeline(pod().records.filter((r) => r.kind === 'started' && r.container === 'setup'));
    const results = startupRules(stuck, sequence);
    expect(results.map((r) => r.verdict)).toEqual(['fail', 'fail', 'fail']);
    expect(results[1]?.actual).toBe('setup never exited; app never started');
  });
});
