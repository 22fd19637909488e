import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, patchRecords, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { LIVENESS_KILL_WITHIN_MS, LIVENESS_RESTARTS, liveness } from './liveness.js';

const { fixture, timeline } = await recordedRun('liveness');
const check = (t = timeline) => checkScenario(liveness, fixture, t);

describe('liveness (File 4)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the sidecar is never restarted', () => {
    const dropped = dropRecords(timeline, where({ kind: 'restarted' }));
    const results = check(
      patchRecords(dropped, where({ source: 'status', container: 'sidecar' }), { restartCount: 0 }),
    );
    const rule = `sidecar has restarted ≥ ${LIVENESS_RESTARTS} times`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBe(0);
  });

  it('fails when the app is restarted too', () => {
    const kill = timeline.find({ kind: 'restarted', container: 'sidecar' })[0]!;
    const results = check(addRecord(timeline, { ...kill, container: 'app', restartCount: 1 }));
    expect(rulesWith(results)).toEqual(['app is never restarted']);
    expect(expectBroken(results, 'app is never restarted', ['app']).actual).toBe('restartCount 1');
  });

  it('fails when the Pod leaves Running', () => {
    const failed = { source: 'status', kind: 'pod-phase', reason: 'Failed' } as const;
    const results = check(addRecord(timeline, { ...failed, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Failed', '<pod>']);
  });

  it('fails when the first liveness kill comes a minute late', () => {
    const rule = `the first Killing event of sidecar matching /failed liveness probe/ comes within ${LIVENESS_KILL_WITHIN_MS} ms of its start`;
    const results = check(shiftRecords(timeline, where({ kind: 'killing' }), seconds(60)));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBeGreaterThan(
      LIVENESS_KILL_WITHIN_MS,
    );
  });
});
