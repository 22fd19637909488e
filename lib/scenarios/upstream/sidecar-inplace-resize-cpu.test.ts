import { describe, expect, it } from 'vitest';
import { lineOf } from '../../testing/lines.js';
import { addRecord, endNs, patchRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  startRecord,
} from '../../testing/scenario-check.js';
import { describeResources } from '../../timeline/resources.js';
import { ORIGINAL, sidecarInplaceResizeCpu } from './sidecar-inplace-resize-cpu.js';

const { fixture, timeline } = await recordedRun('sidecar-inplace-resize-cpu');
const check = (t = timeline) => checkScenario(sidecarInplaceResizeCpu, fixture, t);
const CONTAINERS = ['c1-init', 'c1'];

describe('sidecar-inplace-resize-cpu (upstream R1, Guaranteed, resizePolicy NotRequired)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each(CONTAINERS)('fails when %s’s status never shows the new CPU', (container) => {
    const resized = timeline.find({ kind: 'resources', container }).at(-1)!;
    const results = check(
      patchRecords(timeline, (r) => r.seq === resized.seq, { message: describeResources(ORIGINAL) }),
    );
    const rule = `${container}'s status resources show requests.cpu 20m → 25m, limits.cpu 20m → 25m after the resize`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(CONTAINERS)('fails when %s’s cgroup keeps the old CPU quota', (container) => {
    const line = lineOf(timeline, container, /cgroup cpu\.max=2500 /);
    const results = check(
      patchRecords(timeline, (r) => r.seq === line.seq, {
        message: line.message?.replace('cpu.max=2500 ', 'cpu.max=2000 '),
      }),
    );
    const rule = `${container}'s own cgroup reads cpu.max 2000 100000 → 2500 100000, memory.max 36700160 after the resize`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(CONTAINERS)('fails when %s restarts', (container) => {
    const start = startRecord(timeline, container);
    const results = check(
      addRecord(timeline, {
        ...start,
        source: 'status',
        kind: 'restarted',
        ns: endNs(timeline),
        precision: 'second',
        restartCount: 1,
      }),
    );
    const rule = `${container} is never restarted`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it('fails when the Pod leaves Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Failed', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Failed']);
  });
});
