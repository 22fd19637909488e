import { describe, expect, it } from 'vitest';
import {
  addRecord,
  bySeq,
  dropRecords,
  endNs,
  patchRecords,
  shiftRecords,
  where,
} from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { msToNs } from '../../timeline/time.js';
import type { Timeline } from '../../timeline/timeline.js';
import { notApplicable } from '../requirements.js';
import { AGAIN_WITHIN_MS, nodeRebootReinitOrder } from './node-reboot-reinit-order.js';

const { fixture, timeline } = await recordedRun('node-reboot-reinit-order');
const check = (t = timeline) => checkScenario(nodeRebootReinitOrder, fixture, t);
const again = (container: string) =>
  `${container} starts again after the node reboot, within ${AGAIN_WITHIN_MS} ms of the kubelet answering`;
const PENDING = 'the Pod is Pending in the status update that first shows init-1 restarted';
const secondRun = (first: string, then: string) =>
  `after the node reboot, ${first}'s new instance starts before ${then}'s`;
const isRestart = (container: string) => (r: TimelineRecord) =>
  r.container === container && r.kind === 'started' && (r.restartCount ?? 0) >= 1;
const runtimeStart = (t: Timeline, container: string, restartCount: number) =>
  t.find({ kind: 'started', container, source: 'runtime' }).find((r) => r.restartCount === restartCount)!;

describe('node-reboot-reinit-order (upstream C28)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the containers start again only after upstream’s 5 minutes', () => {
    const answered = timeline.first({ kind: 'kubelet-answered' })!;
    const results = check(shiftRecords(timeline, bySeq(answered.seq), -seconds(300)));
    expect(rulesWith(results)).toEqual([again('init-1'), again('regular-1')]);
    expect(expectBroken(results, again('init-1'), ['init-1']).measurement?.value).toBeGreaterThan(
      AGAIN_WITHIN_MS,
    );
  });

  it('fails when init-1 never runs again after the reboot', () => {
    const results = check(dropRecords(timeline, isRestart('init-1')));
    expect(rulesWith(results)).toEqual([again('init-1'), secondRun('init-1', 'restartable-init-2')]);
    expectBroken(results, again('init-1'), ['init-1', 'node reboot']);
  });

  it('fails when the app never runs again after the reboot', () => {
    const results = check(dropRecords(timeline, isRestart('regular-1')));
    expect(rulesWith(results)).toEqual([again('regular-1'), secondRun('init-3', 'regular-1')]);
    expectBroken(results, again('regular-1'), ['regular-1']);
  });

  it('fails when the Pod already reads Running as init-1’s restart shows', () => {
    const restart = timeline
      .find({ kind: 'restarted', container: 'init-1' })
      .find((r) => r.observedNs > timeline.first({ kind: 'kubelet-stopped' })!.observedNs)!;
    const sameUpdate = (r: TimelineRecord) => r.kind === 'pod-phase' && r.observedNs === restart.observedNs;
    expect(timeline.records.filter(sameUpdate).map((r) => r.reason)).toEqual(['Pending']);
    const results = check(patchRecords(timeline, sameUpdate, { reason: 'Running' }));
    expect(rulesWith(results)).toEqual([PENDING]);
    expectBroken(results, PENDING, ['init-1', 'Running', 'Pending']);
  });

  it('fails when the Pod does not end Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Pending', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod phase is Running']);
    expectBroken(results, 'Pod phase is Running', ['Running', 'Pending']);
  });

  it('fails when the sidecar’s first instance starts before init-1’s', () => {
    const init1 = runtimeStart(timeline, 'init-1', 0);
    const sidecar = runtimeStart(timeline, 'restartable-init-2', 0);
    const results = check(moveRecord(timeline, sidecar, init1.ns - msToNs(1)));
    const rule = 'init-1 starts before restartable-init-2';
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['init-1', 'restartable-init-2']);
  });

  it('fails when, after the reboot, init-3 starts again before the sidecar does', () => {
    const sidecar = runtimeStart(timeline, 'restartable-init-2', 1);
    const init3 = runtimeStart(timeline, 'init-3', 1);
    const results = check(moveRecord(timeline, init3, sidecar.ns - msToNs(1)));
    const rule = secondRun('restartable-init-2', 'init-3');
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, ['restartable-init-2', 'init-3']);
  });

  it('fails every rule about the reboot when the reboot was not recorded', () => {
    const results = check(dropRecords(timeline, where({ kind: 'kubelet-stopped' })));
    expect(rulesWith(results)).toEqual([
      again('init-1'),
      again('regular-1'),
      secondRun('init-1', 'restartable-init-2'),
      secondRun('restartable-init-2', 'init-3'),
      secondRun('init-3', 'regular-1'),
    ]);
    expect(results.find((r) => r.rule === again('init-1'))?.missing).toEqual([
      "the kubelet's stop for the node reboot",
    ]);
  });

  it('is not applicable where the harness cannot reboot the node, saying so', () => {
    expect(
      notApplicable(nodeRebootReinitOrder.requires, { kubernetesVersion: 'v1.37.2', nodeOperations: [] }),
    ).toBe(
      'not applicable on this cluster: it needs a node reboot (kubelet stopped, every pod sandbox stopped through the CRI, kubelet started), which the harness makes only on a node its provider runs (the local provider)',
    );
    expect(
      notApplicable(nodeRebootReinitOrder.requires, {
        kubernetesVersion: 'v1.37.2',
        nodeOperations: ['restart-kubelet'],
      }),
    ).toMatch(/^not applicable on this cluster: it needs a node reboot/);
    expect(
      notApplicable(nodeRebootReinitOrder.requires, {
        kubernetesVersion: 'v1.37.2',
        nodeOperations: ['restart-kubelet', 'reboot-node'],
      }),
    ).toBeUndefined();
    expect(nodeRebootReinitOrder.disruptive).toMatch(/every pod sandbox/);
  });
});
