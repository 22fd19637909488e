import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { basic } from './basic.js';

const { fixture, timeline } = await recordedRun('basic');
const check = (t = timeline) => checkScenario(basic, fixture, t);

describe('basic (File 1)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the app never starts', () => {
    const results = check(dropRecords(timeline, where({ kind: 'started', container: 'app' })));
    expect(rulesWith(results)).toEqual([
      'sidecar starts before app',
      "sidecar's Started event is not later than app's (to the second)",
      'sidecar and app run together',
    ]);
    expect(expectBroken(results, 'sidecar starts before app', ['sidecar', 'app']).actual).toContain(
      'app started never',
    );
  });

  it('fails when only one of two containers is ready (READY 1/2)', () => {
    const notReady = { source: 'status', kind: 'not-ready', container: 'sidecar', restartCount: 0 } as const;
    const results = check(addRecord(timeline, { ...notReady, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['READY 2/2']);
    expect(expectBroken(results, 'READY 2/2', ['sidecar', 'app']).actual).toBe('1/2 ready (app)');
  });
});
