import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, patchRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import {
  HELD_MS,
  LIVENESS_RAN,
  SIGTERM,
  STARTUP_FILE,
  sidecarStartupGatesLiveness,
} from './sidecar-startup-gates-liveness.js';

const { fixture, timeline } = await recordedRun('sidecar-startup-gates-liveness');
const check = (t = timeline) => checkScenario(sidecarStartupGatesLiveness, fixture, t);
const lines = (container: string, pattern: RegExp) =>
  timeline.find({ kind: 'log', container }).filter((r) => pattern.test(r.message ?? ''));
const firstOf = (container: string, pattern: RegExp, instance = 0): TimelineRecord =>
  lines(container, pattern).find((r) => (r.restartCount ?? 0) === instance)!;
const neverStart = () => timeline.first({ kind: 'started', container: 'startup-never', source: 'runtime' })!;
const gateRule = (line: RegExp, scope: string) =>
  `startup-later logs /${line.source}/ only after /${STARTUP_FILE.source}/, ${scope}`;

describe('sidecar-startup-gates-liveness (upstream P7)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when startup-later is never restarted', () => {
    const dropped = dropRecords(timeline, where({ kind: 'restarted', container: 'startup-later' }));
    const results = check(
      patchRecords(dropped, where({ source: 'status', container: 'startup-later' }), { restartCount: 0 }),
    );
    const rule = 'startup-later has restarted ≥ 1 time';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['startup-later']);
  });

  it('fails when no liveness kill of startup-later is announced', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: 'startup-later' })));
    const rule = 'a Killing event names startup-later with a message matching /failed liveness probe/';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['startup-later']);
  });

  it('fails when the liveness probe runs before the startup file is written', () => {
    const file = firstOf('startup-later', STARTUP_FILE);
    const results = check(moveRecord(timeline, firstOf('startup-later', LIVENESS_RAN), file.ns - seconds(3)));
    const rule = gateRule(LIVENESS_RAN, 'in its first instance');
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['startup-later']).actual).toContain('1 early');
  });

  it('fails when a liveness kill comes before the startup probe could pass', () => {
    const file = firstOf('startup-later', STARTUP_FILE);
    const results = check(moveRecord(timeline, firstOf('startup-later', SIGTERM), file.ns - seconds(2)));
    const rule = gateRule(SIGTERM, 'in each instance');
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['startup-later', 'SIGTERM']);
  });

  it('fails when startup-never passes its startup probe 10 s in', () => {
    const results = check(
      addRecord(timeline, {
        source: 'status',
        kind: 'startup-passed',
        container: 'startup-never',
        ns: neverStart().ns + seconds(10),
      }),
    );
    const rule = `startup-never runs ${HELD_MS} ms without passing its startup probe`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['startup-never']).measurement?.value).toBe(10_000);
  });

  it('is undecided, not passed, when startup-never was watched for less than the window', () => {
    const short = dropRecords(timeline, (r) => r.ns > neverStart().ns + seconds(20));
    const results = check(short);
    const rule = `startup-never runs ${HELD_MS} ms without passing its startup probe`;
    expect(rulesWith(results, 'undecided')).toEqual([rule]);
  });

  it('fails when startup-never’s liveness probe runs', () => {
    const line = lines('startup-never', /started/)[0]!;
    const results = check(
      addRecord(timeline, {
        ...line,
        ns: line.ns + seconds(5),
        message: 'startup-never: liveness probe ran',
      }),
    );
    const rule = `startup-never never logs /${LIVENESS_RAN.source}/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['startup-never', 'liveness probe ran']);
  });

  it.each([
    {
      reason: 'Unhealthy',
      message: 'Liveness probe failed: ',
      rule: 'no Unhealthy event names startup-never with a message matching /Liveness probe failed/',
    },
    {
      reason: 'Killing',
      message: 'Init container startup-never failed liveness probe',
      rule: 'no Killing event names startup-never with a message matching /failed liveness probe/',
    },
  ])('fails when startup-never gets a $reason event for its liveness probe', ({ reason, message, rule }) => {
    const event = timeline.find({ source: 'event', container: 'startup-never' })[0]!;
    const results = check(
      addRecord(timeline, {
        ...event,
        kind: reason === 'Killing' ? 'killing' : 'unhealthy',
        reason,
        message,
        ns: event.ns + seconds(5),
      }),
    );
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['startup-never']);
  });

  it('fails when startup-never is restarted', () => {
    const restart = timeline.find({ kind: 'restarted', container: 'startup-later' })[0]!;
    const results = check(addRecord(timeline, { ...restart, container: 'startup-never', restartCount: 1 }));
    expect(rulesWith(results)).toEqual(['startup-never is never restarted']);
    expectBroken(results, 'startup-never is never restarted', ['startup-never']);
  });
});
