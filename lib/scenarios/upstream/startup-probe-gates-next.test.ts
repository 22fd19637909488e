import { describe, expect, it } from 'vitest';
import { lineOf } from '../../testing/lines.js';
import { addRecord, endNs } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  startRecord,
} from '../../testing/scenario-check.js';
import type { Timeline } from '../../timeline/timeline.js';
import { startupProbeGatesNext } from './startup-probe-gates-next.js';

const { fixture, timeline } = await recordedRun('startup-probe-gates-next');
const check = (t = timeline) => checkScenario(startupProbeGatesNext, fixture, t);

/** The sidecar's startup-passed record moved to just after the status first showed `then` running. */
function startupSeenAfter(t: Timeline, sidecar: string, then: string): Timeline {
  const passed = t.first({ kind: 'startup-passed', container: sidecar })!;
  const running = t.first({ kind: ['started', 'terminated'], container: then, source: 'status' })!;
  return moveRecord(t, passed, running.observedNs + 1_000_000n);
}

describe('startup-probe-gates-next (upstream C7)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each([
    ['restartable-init-1', 'restartable-init-2'],
    ['restartable-init-2', 'regular-1'],
  ])('fails when %s logs that it is up only after %s started', (sidecar, then) => {
    const up = lineOf(timeline, sidecar, new RegExp(`${sidecar} up`));
    const late = moveRecord(timeline, up, startRecord(timeline, then).ns + 1_000_000n);
    const rule = `${then} starts after ${sidecar} logs /${sidecar} up/`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expectBroken(check(late), rule, [sidecar, then]);
  });

  it.each([
    ['restartable-init-1', 'restartable-init-2'],
    ['restartable-init-2', 'regular-1'],
  ])('fails when the status shows %s started only after %s runs', (sidecar, then) => {
    const results = check(startupSeenAfter(timeline, sidecar, then));
    const rule = `${then} starts only after ${sidecar} reported started: true`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [sidecar, then]);
  });

  it('fails when the Pod ends Failed', () => {
    const failed = addRecord(timeline, {
      source: 'status',
      kind: 'pod-phase',
      reason: 'Failed',
      ns: endNs(timeline) + 1_000_000n,
    });
    expect(rulesWith(check(failed))).toEqual(['Pod phase is Succeeded']);
    expectBroken(check(failed), 'Pod phase is Succeeded', ['Succeeded', 'Failed']);
  });
});
