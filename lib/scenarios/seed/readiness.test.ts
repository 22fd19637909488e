import { describe, expect, it } from 'vitest';
import { addRecord, endNs } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { readiness } from './readiness.js';

const { fixture, timeline } = await recordedRun('readiness');
const check = (t = timeline) => checkScenario(readiness, fixture, t);
const after = () => endNs(timeline) + 1_000_000n;

describe('readiness (File 5)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the Pod becomes Ready', () => {
    const results = check(addRecord(timeline, { source: 'status', kind: 'pod-ready', ns: after() }));
    expect(rulesWith(results)).toEqual(['Pod Ready=False at the end', 'Pod is never Ready']);
    expectBroken(results, 'Pod Ready=False at the end', ['<pod>']);
    expectBroken(results, 'Pod is never Ready', ['<pod>']);
  });

  it('fails when the failing sidecar is ready', () => {
    const ready = { source: 'status', kind: 'ready', container: 'sidecar', restartCount: 0 } as const;
    const results = check(addRecord(timeline, { ...ready, ns: after() }));
    expect(rulesWith(results)).toEqual(['READY 1/2']);
    expect(expectBroken(results, 'READY 1/2', ['sidecar', 'app']).actual).toBe('2/2 ready (sidecar, app)');
  });

  it('fails when the sidecar is restarted', () => {
    const restart = { source: 'status', kind: 'restarted', container: 'sidecar', restartCount: 1 } as const;
    const results = check(addRecord(timeline, { ...restart, reason: 'Error', exitCode: 137, ns: after() }));
    expect(rulesWith(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });
});
