import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import { READY_WITHIN_MS, sidecarReadyAfterStartup } from './sidecar-ready-after-startup.js';

const { fixture, timeline } = await recordedRun('sidecar-ready-after-startup');
const check = (t = timeline) => checkScenario(sidecarReadyAfterStartup, fixture, t);
const rule = `sidecar is ready within ${READY_WITHIN_MS} ms after its startup probe passed`;
const passed = () => timeline.first({ kind: 'startup-passed', container: 'sidecar' })!;
const ready = () => timeline.first({ kind: 'ready', container: 'sidecar' })!;

describe('sidecar-ready-after-startup (upstream P8)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    const measured = check().find((r) => r.rule === rule)?.measurement?.value ?? -1;
    expect(measured).toBeGreaterThanOrEqual(0);
    expect(measured).toBeLessThanOrEqual(READY_WITHIN_MS);
  });

  it('fails when the sidecar turns ready only at its next 30 s readiness period', () => {
    const results = check(moveRecord(timeline, ready(), passed().ns + seconds(30)));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBe(30_000);
  });

  it('fails when the sidecar is ready before its startup probe passed', () => {
    const results = check(moveRecord(timeline, ready(), passed().ns - seconds(2)));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).measurement?.value).toBe(-2000);
  });

  it('fails when the sidecar never turns ready, saying what never came', () => {
    const results = check(dropRecords(timeline, where({ kind: 'ready', container: 'sidecar' })));
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).missing).toEqual(['ready: true of sidecar']);
  });

  it('fails when the Pod is not Ready at the end', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-not-ready', ns: endNs(timeline) + 1_000_000n }),
    );
    expect(rulesWith(results)).toEqual(['Pod Ready=True at the end']);
    expectBroken(results, 'Pod Ready=True at the end', ['<pod>']);
  });

  it('fails when the sidecar is restarted', () => {
    const restart = { source: 'status', kind: 'restarted', container: 'sidecar', restartCount: 1 } as const;
    const results = check(addRecord(timeline, { ...restart, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['sidecar is never restarted']);
    expectBroken(results, 'sidecar is never restarted', ['sidecar']);
  });
});
