import { describe, expect, it } from 'vitest';
import { TEST_IMAGE, TEST_IMAGE_B } from '../../config.js';
import { addRecord, bySeq, dropRecords, endNs, patchRecords, shiftRecords } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { notApplicable } from '../requirements.js';
import { AGAIN_WITHIN_MS, IMAGE_WITHIN_MS, updateDuringNodeReboot } from './update-during-node-reboot.js';

const { fixture, timeline } = await recordedRun('update-during-node-reboot');
const check = (t = timeline) => checkScenario(updateDuringNodeReboot, fixture, t);
const CHANGED = 'restartable-init-2';
const APP_AGAIN = `regular-1 starts again after the node reboot, within ${AGAIN_WITHIN_MS} ms of the kubelet answering`;
const RESTARTED = `${CHANGED} restarts at least once after the image patch, running again within ${IMAGE_WITHIN_MS} ms`;
const IMAGE = `${CHANGED}'s Pulled events name ${TEST_IMAGE}, then ${TEST_IMAGE_B}`;
const isRestart = (container: string) => (r: TimelineRecord) =>
  r.container === container && r.kind === 'started' && (r.restartCount ?? 0) >= 1;

describe('update-during-node-reboot (upstream C29)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the app never runs again after the reboot', () => {
    const results = check(dropRecords(timeline, isRestart('regular-1')));
    expect(rulesWith(results)).toEqual([APP_AGAIN]);
    expectBroken(results, APP_AGAIN, ['regular-1', 'node reboot']);
  });

  it('fails when the app runs again only after upstream’s 5 minutes', () => {
    const results = check(shiftRecords(timeline, isRestart('regular-1'), seconds(300)));
    expect(rulesWith(results)).toEqual([APP_AGAIN]);
    expect(expectBroken(results, APP_AGAIN, ['regular-1']).measurement?.value).toBeGreaterThan(
      AGAIN_WITHIN_MS,
    );
  });

  it('fails when the Pod does not end Running', () => {
    const results = check(
      addRecord(timeline, { source: 'status', kind: 'pod-phase', reason: 'Failed', ns: endNs(timeline) }),
    );
    expect(rulesWith(results)).toEqual(['Pod phase is Running']);
    expectBroken(results, 'Pod phase is Running', ['Running', 'Failed']);
  });

  it('fails when the sidecar’s only instance after the reboot came before the patch', () => {
    const patch = timeline.first({ kind: 'patched', reason: 'image' })!;
    const results = check(shiftRecords(timeline, bySeq(patch.seq), seconds(60)));
    expect(rulesWith(results)).toEqual([RESTARTED]);
    expectBroken(results, RESTARTED, [CHANGED]);
  });

  it('fails when the sidecar runs again from the new image only after upstream’s 6 minutes', () => {
    const results = check(shiftRecords(timeline, isRestart(CHANGED), seconds(361)));
    expect(rulesWith(results)).toEqual([RESTARTED]);
    expect(expectBroken(results, RESTARTED, [CHANGED]).measurement?.value).toBeGreaterThan(IMAGE_WITHIN_MS);
  });

  it('fails when the sidecar ran again from the old image', () => {
    const last = timeline.find({ source: 'event', reason: 'Pulled', container: CHANGED }).at(-1)!;
    const results = check(
      patchRecords(timeline, bySeq(last.seq), { message: last.message?.replace(TEST_IMAGE_B, TEST_IMAGE) }),
    );
    expect(rulesWith(results)).toEqual([IMAGE]);
    expectBroken(results, IMAGE, [CHANGED, TEST_IMAGE]);
  });

  it('is not applicable where the harness cannot reboot the node, saying so', () => {
    expect(
      notApplicable(updateDuringNodeReboot.requires, { kubernetesVersion: 'v1.37.2', nodeOperations: [] }),
    ).toMatch(
      /^not applicable on this cluster: it needs a node reboot \(kubelet stopped, every pod sandbox stopped through the CRI, kubelet started\)/,
    );
    expect(updateDuringNodeReboot.disruptive).toBeDefined();
  });
});
