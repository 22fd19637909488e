import { describe, expect, it } from 'vitest';
import { addRecord, dropRecords, endNs } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  recordedRun,
  rulesWith,
  seconds,
} from '../../testing/scenario-check.js';
import type { TimelineRecord } from '../../timeline/record.js';
import { sidecarBadImageBlocks } from './sidecar-bad-image-blocks.js';

const { fixture, timeline } = await recordedRun('sidecar-bad-image-blocks');
const check = (t = timeline) => checkScenario(sidecarBadImageBlocks, fixture, t);
const failed = (pattern: RegExp) => (r: TimelineRecord) =>
  r.source === 'event' && r.reason === 'Failed' && r.container === 'sidecar' && pattern.test(r.message ?? '');
const firstFailure = () => timeline.find({ source: 'event', reason: 'Failed', container: 'sidecar' })[0]!;

describe('sidecar-bad-image-blocks (upstream C4)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it.each([
    { what: 'ErrImagePull', pattern: /ErrImagePull/ },
    { what: 'ImagePullBackOff', pattern: /ImagePullBackOff/ },
  ])('fails when the kubelet never reports $what', ({ what, pattern }) => {
    const results = check(dropRecords(timeline, failed(pattern)));
    const rule = `a Failed event names sidecar with a message matching /${what}/`;
    expect(rulesWith(results)).toEqual([rule]);
    expect(expectBroken(results, rule, ['sidecar']).missing).toEqual(['a Failed event of sidecar']);
  });

  it.each(['sidecar', 'app'])('fails when %s starts after all', (container) => {
    const at = firstFailure().ns + seconds(5);
    const results = check(
      addRecord(timeline, {
        source: 'runtime',
        kind: 'started',
        container,
        ns: at,
        precision: 'exact',
        restartCount: 0,
      }),
    );
    expect(rulesWith(results)).toEqual([`${container} never starts`]);
    expectBroken(results, `${container} never starts`, [container]);
  });

  it('fails when the Pod leaves Pending', () => {
    const running = { source: 'status', kind: 'pod-phase', reason: 'Running' } as const;
    const results = check(addRecord(timeline, { ...running, ns: endNs(timeline) + 1_000_000n }));
    expect(rulesWith(results)).toEqual(['Pod stays Pending']);
    expectBroken(results, 'Pod stays Pending', ['Pending', 'Running', '<pod>']);
  });
});
