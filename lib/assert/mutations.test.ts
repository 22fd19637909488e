import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import {
  cgroupAfterResize,
  imageChange,
  patchedWhileTerminating,
  resourcesAfterResize,
  restartsAfterPatch,
} from './mutations.js';

const T = (s: string) => `2026-12-01T10:25:${s}Z`;
const patched = (reason: 'image' | 'resize', at: string): TimelineRecord => {
  const { container: _container, ...pod } = record('patched', '', T(at), 'harness', { reason });
  return { ...pod, precision: 'observed' };
};
/** A status record seen (observedNs) at `seen`, carrying a whole-second server time `at`. */
const status = (kind: TimelineRecord['kind'], container: string, at: string, seen: string, extra = {}) =>
  record(kind, container, T(at), 'status', { observedNs: parseTimeNs(T(seen)), ...extra });
const observed = (kind: TimelineRecord['kind'], container: string, at: string, extra = {}) => ({
  ...record(kind, container, T(at), 'status', extra),
  precision: 'observed' as const,
});

describe('restartsAfterPatch', () => {
  const before = [
    status('started', 'sidecar', '56', '56.100', { restartCount: 0 }),
    record('started', 'sidecar', T('56.050'), 'runtime', { restartCount: 0 }),
  ];
  const restart = [
    status('restarted', 'sidecar', '56', '57.400', { restartCount: 1 }),
    record('started', 'sidecar', T('57.323'), 'runtime', { restartCount: 1 }),
    status('started', 'sidecar', '57', '57.500', { restartCount: 1 }),
  ];

  it('counts the restarts the patch added and measures to the new instance’s start', () => {
    const timeline = new Timeline([...before, patched('image', '56.876'), ...restart]);
    const result = restartsAfterPatch(timeline, {
      container: 'sidecar',
      patch: 'image',
      times: 1,
      withinMs: 120_000,
    });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: 'sidecar restarts once after the image patch, running again within 120000 ms',
      measurement: { value: 447, unit: 'ms', min: 0, max: 120_000 },
    });
    expect(explainAssertion(result)).toContain('10:25:56.876');
  });

  it('fails on a second restart, and on none', () => {
    const twice = new Timeline([
      ...before,
      patched('image', '56.876'),
      ...restart,
      record('started', 'sidecar', T('58.400'), 'runtime', { restartCount: 2 }),
    ]);
    const again = restartsAfterPatch(twice, { container: 'sidecar', patch: 'image', times: 1 });
    expect(again).toMatchObject({ verdict: 'fail', measurement: { value: 2, unit: 'count' } });
    expect(
      restartsAfterPatch(twice, { container: 'sidecar', patch: 'image', times: 1, orMore: true }),
    ).toMatchObject({ verdict: 'pass', rule: 'sidecar restarts at least once after the image patch' });
    const none = restartsAfterPatch(new Timeline([...before, patched('image', '56.876')]), {
      container: 'sidecar',
      patch: 'image',
      times: 1,
    });
    expect(none.verdict).toBe('fail');
    expect(none.missing).toEqual(['a start of sidecar after the image patch']);
    expect(none.actual).toContain('0 instance(s) started after the patch at 10:25:56.876');
  });

  it('does not count an instance that started before the patch', () => {
    const early = new Timeline([...before, ...restart, patched('image', '59.000')]);
    expect(restartsAfterPatch(early, { container: 'sidecar', patch: 'image', times: 1 }).verdict).toBe(
      'fail',
    );
  });

  it('fails when the new instance started before the patch, or after the bound', () => {
    const backwards = new Timeline([
      ...before,
      patched('image', '56.876'),
      restart[0]!,
      { ...restart[1]!, ns: parseTimeNs(T('56.500')) },
    ]);
    const result = restartsAfterPatch(backwards, { container: 'sidecar', patch: 'image', times: 1 });
    expect(result.verdict).toBe('fail');
    expect(result.actual).toContain('1 before it');
    const late = restartsAfterPatch(new Timeline([...before, patched('image', '56.876'), ...restart]), {
      container: 'sidecar',
      patch: 'image',
      times: 1,
      withinMs: 100,
    });
    expect(late.verdict).toBe('fail');
  });

  it('fails, naming what is missing, without the patch', () => {
    const result = restartsAfterPatch(new Timeline([...before, ...restart]), {
      container: 'sidecar',
      patch: 'resize',
      times: 1,
    });
    expect(result).toMatchObject({ verdict: 'fail', missing: ['the resize patch'] });
  });
});

describe('resourcesAfterResize', () => {
  const small = { requests: { cpu: '20m', memory: '35Mi' }, limits: { cpu: '20m', memory: '35Mi' } };
  const big = { requests: { cpu: '25m', memory: '35Mi' }, limits: { cpu: '25m', memory: '35Mi' } };
  const text = (cpu: string) => `requests cpu=${cpu} memory=35Mi; limits cpu=${cpu} memory=35Mi`;
  const seen = [
    observed('resources', 'c1', '57.600', { message: text('20m') }),
    patched('resize', '57.741'),
    observed('resources', 'c1', '57.945', { message: text('25m') }),
  ];

  it('passes when the status shows the old values before the patch and the new ones after, measuring the gap', () => {
    const result = resourcesAfterResize(new Timeline(seen), { container: 'c1', before: small, after: big });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: "c1's status resources show requests.cpu 20m → 25m, limits.cpu 20m → 25m after the resize",
      measurement: { value: 204, unit: 'ms' },
    });
  });

  it('fails when the new values never show, or do not last', () => {
    const never = resourcesAfterResize(new Timeline(seen.slice(0, 2)), {
      container: 'c1',
      before: small,
      after: big,
    });
    expect(never).toMatchObject({ verdict: 'fail', missing: ["c1's status resources after the resize"] });
    const back = resourcesAfterResize(
      new Timeline([...seen, observed('resources', 'c1', '58.100', { message: text('20m') })]),
      { container: 'c1', before: small, after: big },
    );
    expect(back.verdict).toBe('fail');
    expect(explainAssertion(back)).toMatch(/at the end: requests cpu=20m .*10:25:58\.100/);
  });
});

describe('cgroupAfterResize', () => {
  const line = (at: string, cpu: string) =>
    record('log', 'c1', T(at), 'log', { message: `c1 cgroup cpu.max=${cpu} 100000 memory.max=36700160` });
  const before = { cpu: '2000 100000', memory: '36700160' };
  const after = { cpu: '2500 100000', memory: '36700160' };

  it('reads the container’s own cgroup lines around the patch', () => {
    const timeline = new Timeline([
      line('45.317', '2000'),
      patched('resize', '45.423'),
      line('46.041', '2500'),
    ]);
    expect(cgroupAfterResize(timeline, { container: 'c1', before, after })).toMatchObject({
      verdict: 'pass',
      rule: "c1's own cgroup reads cpu.max 2000 100000 → 2500 100000, memory.max 36700160 after the resize",
      measurement: { value: 618, unit: 'ms' },
    });
  });

  it('fails without a line before the patch, or when the values never change', () => {
    const late = new Timeline([patched('resize', '45.423'), line('45.600', '2000'), line('46.041', '2500')]);
    expect(cgroupAfterResize(late, { container: 'c1', before, after })).toMatchObject({
      verdict: 'fail',
      missing: ['a cgroup line of c1 before the resize'],
    });
    const stuck = new Timeline([line('45.317', '2000'), patched('resize', '45.423')]);
    expect(cgroupAfterResize(stuck, { container: 'c1', before, after }).verdict).toBe('fail');
  });
});

describe('imageChange', () => {
  const pulled = (at: string, image: string) =>
    record('event', 'sidecar', T(at), 'event', {
      reason: 'Pulled',
      message: `Container image "${image}" already present on machine and can be accessed by the pod`,
    });

  it('passes when the first Pulled event names the old image and the last the new one', () => {
    const timeline = new Timeline([pulled('56', 'busybox:1.35'), pulled('57', 'busybox:1.35-b')]);
    const result = imageChange(timeline, {
      container: 'sidecar',
      from: 'busybox:1.35',
      to: 'busybox:1.35-b',
    });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: "sidecar's Pulled events name busybox:1.35, then busybox:1.35-b",
    });
  });

  it('fails when the new instance came from the old image, or no new instance was pulled', () => {
    const same = new Timeline([pulled('56', 'busybox:1.35'), pulled('57', 'busybox:1.35')]);
    expect(
      imageChange(same, { container: 'sidecar', from: 'busybox:1.35', to: 'busybox:1.35-b' }).verdict,
    ).toBe('fail');
    const once = imageChange(new Timeline([pulled('56', 'busybox:1.35')]), {
      container: 'sidecar',
      from: 'busybox:1.35',
      to: 'busybox:1.35-b',
    });
    expect(once).toMatchObject({ verdict: 'fail', missing: ['a Pulled event of sidecar after the first'] });
  });
});

describe('patchedWhileTerminating', () => {
  const harness = (kind: TimelineRecord['kind'], at: string): TimelineRecord => {
    const { container: _container, ...pod } = record(kind, '', T(at), 'harness');
    return { ...pod, precision: 'observed' };
  };
  const rule = 'the image patch is made after the delete request and before the Pod is gone';

  it('passes for a patch between the delete request and the Pod gone, measuring from the delete', () => {
    const timeline = new Timeline([
      harness('delete-requested', '10.000'),
      patched('image', '10.059'),
      harness('pod-gone', '40.907'),
    ]);
    const result = patchedWhileTerminating(timeline, { patch: 'image' });
    expect(result).toMatchObject({ verdict: 'pass', rule, measurement: { value: 59, unit: 'ms', min: 0 } });
    expect(explainAssertion(result)).toContain('10:25:10.059');
  });

  it('fails for a patch before the delete request, and for one after the Pod was gone', () => {
    const before = new Timeline([
      patched('image', '09.900'),
      harness('delete-requested', '10.000'),
      harness('pod-gone', '40.907'),
    ]);
    const failed = patchedWhileTerminating(before, { patch: 'image' });
    expect(failed).toMatchObject({ verdict: 'fail', rule });
    expect(explainAssertion(failed)).toContain('10:25:09.900');
    const after = new Timeline([
      harness('delete-requested', '10.000'),
      harness('pod-gone', '40.907'),
      patched('image', '41.000'),
    ]);
    expect(patchedWhileTerminating(after, { patch: 'image' }).verdict).toBe('fail');
  });

  it('fails, saying what never came, without a patch of that kind or a delete', () => {
    const resized = new Timeline([
      harness('delete-requested', '10.000'),
      patched('resize', '10.059'),
      harness('pod-gone', '40.907'),
    ]);
    expect(patchedWhileTerminating(resized, { patch: 'image' })).toMatchObject({
      verdict: 'fail',
      missing: ['the image patch'],
    });
    const undeleted = new Timeline([patched('image', '10.059')]);
    expect(patchedWhileTerminating(undeleted, { patch: 'image' })).toMatchObject({
      verdict: 'fail',
      missing: ['the delete request', "the Pod's deletion"],
    });
  });
});
