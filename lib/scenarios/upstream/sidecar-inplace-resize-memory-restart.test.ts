import { describe, expect, it } from 'vitest';
import { lineOf } from '../../testing/lines.js';
import { addRecord, dropRecords, endNs, patchRecords, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import { describeResources } from '../../timeline/resources.js';
import { ORIGINAL, sidecarInplaceResizeMemoryRestart } from './sidecar-inplace-resize-memory-restart.js';

const { fixture, timeline } = await recordedRun('sidecar-inplace-resize-memory-restart');
const check = (t = timeline) => checkScenario(sidecarInplaceResizeMemoryRestart, fixture, t);
const CONTAINERS = ['c1-init', 'c1'];

describe('sidecar-inplace-resize-memory-restart (upstream R1, Guaranteed, resizePolicy RestartContainer)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each(CONTAINERS)('fails when %s’s status never shows the new memory', (container) => {
    const resized = timeline.find({ kind: 'resources', container }).at(-1)!;
    const results = check(
      patchRecords(timeline, (r) => r.seq === resized.seq, { message: describeResources(ORIGINAL) }),
    );
    const rule = `${container}'s status resources show requests.memory 35Mi → 40Mi, limits.memory 35Mi → 40Mi after the resize`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(CONTAINERS)('fails when %s’s new instance still reads the old memory limit', (container) => {
    const line = lineOf(timeline, container, /memory\.max=41943040/);
    const results = check(
      patchRecords(timeline, (r) => r.seq === line.seq, {
        message: line.message?.replace('memory.max=41943040', 'memory.max=36700160'),
      }),
    );
    const rule = `${container}'s own cgroup reads cpu.max 2000 100000, memory.max 36700160 → 41943040 after the resize`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [container]);
  });

  it.each(CONTAINERS)('fails when %s restarts twice', (container) => {
    const again = timeline
      .find({ kind: 'started', container, source: 'runtime' })
      .find((r) => r.restartCount === 1)!;
    const results = check(addRecord(timeline, { ...again, ns: endNs(timeline), restartCount: 2 }));
    const rule = `${container} restarts once after the resize patch`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, [container]).actual).toContain(
      '2 instance(s) started after the patch',
    );
  });

  it.each(CONTAINERS)('fails when the kubelet never says %s’s resize requires a restart', (container) => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container })));
    const rule = `a Killing event names ${container} with a message matching /resize requires restart/`;
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
