import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { addRecord, bySeq, endNs, patchRecords, shiftRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { notApplicable } from '../requirements.js';
import { IMAGE_WITHIN_MS, updateDuringKubeletRestart } from './update-during-kubelet-restart.js';

const { fixture, timeline } = await recordedRun('update-during-kubelet-restart');
const check = (t = timeline) => checkScenario(updateDuringKubeletRestart, fixture, t);
const CHANGED = 'restartable-init-2';
const RESTARTED = `${CHANGED} restarts once after the image patch, running again within ${IMAGE_WITHIN_MS} ms`;
const IMAGE = `${CHANGED}'s Pulled events name ${TEST_IMAGE}, then ${TEST_IMAGE_B}`;
const newInstance = (r: TimelineRecord) =>
  r.container === CHANGED && r.kind === 'started' && r.source !== 'event' && r.restartCount === 1;

describe('update-during-kubelet-restart (upstream C30)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the kubelet restart restarted the app', () => {
    const restart = timeline.find({ kind: 'restarted', container: CHANGED })[0]!;
    const results = check(addRecord(timeline, { ...restart, container: 'regular-1' }));
    expect(rulesWith(results)).toEqual(['regular-1 is never restarted']);
    expect(expectBroken(results, 'regular-1 is never restarted', ['regular-1']).actual).toBe(
      'restartCount 1',
    );
  });

  it('fails when the Pod leaves Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Pending', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod stays Running']);
    expectBroken(results, 'Pod stays Running', ['Running', 'Pending']);
  });

  it('fails when the sidecar runs again only after upstream’s 6 minutes', () => {
    const results = check(shiftRecords(timeline, newInstance, seconds(361)));
    expect(rulesWith(results)).toEqual([RESTARTED]);
    expect(expectBroken(results, RESTARTED, [CHANGED]).measurement?.value).toBeGreaterThan(IMAGE_WITHIN_MS);
  });

  it('fails when the sidecar restarts a second time', () => {
    const again = timeline
      .find({ kind: 'started', container: CHANGED, source: 'runtime' })
      .find((r) => r.restartCount === 1)!;
    const results = check(addRecord(timeline, { ...again, ns: endNs(timeline), restartCount: 2 }));
    expect(rulesWith(results)).toEqual([RESTARTED]);
    expect(expectBroken(results, RESTARTED, [CHANGED]).actual).toContain(
      '2 instance(s) started after the patch',
    );
  });

  it('fails when the sidecar ran again from the old image', () => {
    const last = timeline.find({ source: 'event', reason: 'Pulled', container: CHANGED }).at(-1)!;
    const results = check(
      patchRecords(timeline, bySeq(last.seq), { message: last.message?.replace(TEST_IMAGE_B, TEST_IMAGE) }),
    );
    expect(rulesWith(results)).toEqual([IMAGE]);
    expectBroken(results, IMAGE, [CHANGED, TEST_IMAGE]);
  });

  it('is not applicable where the harness cannot restart the kubelet, saying so', () => {
    expect(
      notApplicable(updateDuringKubeletRestart.requires, {
        kubernetesVersion: 'v1.37.2',
        nodeOperations: [],
      }),
    ).toBe(
      'not applicable on this cluster: it needs a kubelet restart, which the harness makes only on a node its provider runs (the local provider)',
    );
    expect(updateDuringKubeletRestart.disruptive).toBeDefined();
  });
});
