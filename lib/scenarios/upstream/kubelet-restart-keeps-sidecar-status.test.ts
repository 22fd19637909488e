import { describe, expect, it } from 'vitest';
import { decideAcrossGaps } from '../../assert/gaps.js';
import { addGap, addRecord, dropRecords, where } from '../../testing/mutate.js';
import { checkScenario, expectBroken, recordedRun, rulesWith } from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { msToNs } from '../../timeline/time.js';
import type { Timeline } from '../../timeline/timeline.js';
import { notApplicable } from '../requirements.js';
import { kubeletRestartKeepsSidecarStatus, SIDECARS } from './kubelet-restart-keeps-sidecar-status.js';

const { fixture, timeline } = await recordedRun('kubelet-restart-keeps-sidecar-status');
const check = (t = timeline) => checkScenario(kubeletRestartKeepsSidecarStatus, fixture, t);
const held = (container: string) =>
  `${container}'s status stays started, ready and at restartCount 0, and the Pod Running, in every update from the kubelet restart to the end`;
const answered = timeline.first({ kind: 'kubelet-answered' })!;
/** A status change the harness saw 1.5 s after the kubelet answered again. */
const seenAfter = (t: Timeline, kind: TimelineRecord['kind'], fields: Partial<TimelineRecord> = {}) =>
  addRecord(t, { source: 'status', kind, ns: answered.ns + msToNs(1500), restartCount: 0, ...fields });

describe('kubelet-restart-keeps-sidecar-status (upstream C31)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
    expect(check().map((r) => r.rule)).toEqual(SIDECARS.map(held));
  });

  it.each([
    ['sidecar-no-probe', 'startup-reset'],
    ['sidecar-startup', 'startup-reset'],
    ['sidecar-readiness', 'not-ready'],
    ['sidecar-startup-readiness', 'not-ready'],
  ] as const)('fails when %s’s status shows %s after the restart, naming it and when', (container, kind) => {
    const results = check(seenAfter(timeline, kind, { container }));
    expect(rulesWith(results)).toEqual([held(container)]);
    const broken = expectBroken(results, held(container), [container, kind]);
    expect(broken.actual).toContain('1 changing update(s) after it');
  });

  it('fails when started and ready come back after the restart (they had been lost in between)', () => {
    const container = 'sidecar-startup-readiness';
    const results = check(
      seenAfter(seenAfter(timeline, 'startup-passed', { container }), 'ready', { container }),
    );
    expect(rulesWith(results)).toEqual([held(container)]);
    expect(expectBroken(results, held(container), [container]).measurement?.value).toBe(2);
  });

  it('fails when the restart restarted a sidecar', () => {
    const container = 'sidecar-startup';
    const results = check(seenAfter(timeline, 'restarted', { container, restartCount: 1 }));
    expect(rulesWith(results)).toEqual([held(container)]);
    expectBroken(results, held(container), [container, 'restartCount 1']);
  });

  it('fails every sidecar’s rule when the Pod leaves Running after the restart', () => {
    const results = check(seenAfter(timeline, 'pod-phase', { reason: 'Pending' }));
    expect(rulesWith(results)).toEqual(SIDECARS.map(held));
    expectBroken(results, held('sidecar-no-probe'), ['Pending']);
  });

  it('fails when a sidecar was not ready before the restart', () => {
    const container = 'sidecar-readiness';
    const results = check(dropRecords(timeline, where({ kind: 'ready', container })));
    expect(rulesWith(results)).toEqual([held(container)]);
    expect(expectBroken(results, held(container), [container]).actual).toContain(
      'just before the kubelet restart: not ready (ready never seen)',
    );
  });

  it('fails every rule when the restart was not recorded', () => {
    const results = check(dropRecords(timeline, where({ kind: 'kubelet-stopped' })));
    expect(rulesWith(results)).toEqual(SIDECARS.map(held));
    expect(results[0]?.missing).toEqual(["the kubelet's stop for the kubelet restart"]);
  });

  it('is undecided, not passed, when the pods watch was blind across the restart', () => {
    const stopped = timeline.first({ kind: 'kubelet-stopped' })!;
    const blind = addGap(timeline, {
      stream: 'pods watch',
      fromNs: stopped.ns,
      toNs: answered.ns + msToNs(3000),
      why: 'watch closed',
    });
    const results = decideAcrossGaps(check(blind), blind.gaps, {
      fromNs: timeline.first({ kind: 'applied' })!.ns,
      toNs: timeline.first({ kind: 'observed-until' })!.ns,
    });
    expect(rulesWith(results, 'undecided')).toEqual(SIDECARS.map(held));
  });

  it('is not applicable before 1.35 or where the harness cannot restart the kubelet, saying so', () => {
    const { requires } = kubeletRestartKeepsSidecarStatus;
    expect(
      notApplicable(requires, { kubernetesVersion: 'v1.34.4', nodeOperations: ['restart-kubelet'] }),
    ).toBe(
      'not applicable on v1.34.4: a kubelet that keeps container statuses across its restart (KEP-4781, kubernetes#134746) arrived in v1.35',
    );
    expect(notApplicable(requires, { kubernetesVersion: 'v1.37.2', nodeOperations: [] })).toBe(
      'not applicable on this cluster: it needs a kubelet restart, which the harness makes only on a node its provider runs (the local provider)',
    );
    expect(
      notApplicable(requires, { kubernetesVersion: 'v1.37.2', nodeOperations: ['restart-kubelet'] }),
    ).toBeUndefined();
  });
});
