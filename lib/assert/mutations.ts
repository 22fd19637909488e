import type { TimelineRecord } from '../timeline/record.js';
import { describeResources, type ContainerResources } from '../timeline/resources.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { orderOf, spanBounds, withinBounds } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules about a running Pod the harness changed: a container's image patched (the kubelet must
 * restart that container, and only it), or its resources resized in place through the `resize`
 * subresource (the status must show what was asked, and the container restart only as its
 * resizePolicy says). The moment of the change is the harness's `patched` record, taken on the
 * harness's clock just before the request; restart counts are split at it by when the harness saw
 * each status, on the same clock.
 */

/** What the harness changed: `image` (a container's image) or `resize` (containers' resources). */
export type PatchKind = 'image' | 'resize';

const patchOf = (timeline: Timeline, patch: PatchKind) => timeline.first({ kind: 'patched', reason: patch });

const UNDECIDED_NOTE = 'the times are too coarse to tell the order';

/**
 * The start of each instance after the container's first, one per restart count: the runtime's
 * (ns) when the harness has it, else the status's whole second; in time order.
 */
function restartedInstances(timeline: Timeline, container: string): TimelineRecord[] {
  const starts = (source: 'runtime' | 'status') =>
    timeline.find({ kind: 'started', container, source }).filter((r) => (r.restartCount ?? 0) > 0);
  const byCount = new Map<number, TimelineRecord>();
  for (const r of [...starts('runtime'), ...starts('status')]) {
    if (!byCount.has(r.restartCount as number)) byCount.set(r.restartCount as number, r);
  }
  return [...byCount.values()].sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
}

export interface RestartsAfterPatchOptions {
  container: string;
  patch: PatchKind;
  /** New instances the patch must bring: exactly this many, or at least, with `orMore`. */
  times: number;
  orMore?: boolean;
  /** Upstream's wait for the container to run again, from the patch. */
  withinMs?: number;
}

const timesWord = (n: number) => (n === 1 ? 'once' : `${n} times`);

/**
 * After the patch the container runs again `times` times (or more, with `orMore`): that many of its
 * instances start after the patch (the runtime's times when the harness has them, else the
 * status's whole seconds), the first within `withinMs` when given. The time from the patch to that
 * first start is the measurement. Counted by instance, not by the status's restartCount, which
 * already counts an instance the kubelet has not yet started (a container waiting in back-off).
 */
export function restartsAfterPatch(timeline: Timeline, options: RestartsAfterPatchOptions): AssertionResult {
  const { container, patch, times, orMore, withinMs } = options;
  const marker = patchOf(timeline, patch);
  const rule = `${container} restarts ${orMore ? 'at least ' : ''}${timesWord(times)} after the ${patch} patch${
    withinMs !== undefined ? `, running again within ${withinMs} ms` : ''
  }`;
  const expected = `${orMore ? '≥ ' : ''}${times} instance(s) of ${container} started after the ${patch} patch${
    withinMs !== undefined ? `, the first ≤ ${withinMs} ms after it` : ''
  }`;
  const starts = restartedInstances(timeline, container);
  if (!marker) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `no ${patch} patch was recorded`,
      containers: [container],
      evidence: starts.slice(0, 5),
      missing: [`the ${patch} patch`],
    });
  }
  const after = starts.filter((r) => orderOf(marker, r) === 'pass');
  const unsure = starts.filter((r) => orderOf(marker, r) === 'undecided');
  const before = starts.length - after.length - unsure.length;
  const enough = (n: number) => (orMore ? n >= times : n === times);
  const listed = (rs: TimelineRecord[]) => rs.map((r) => `#${r.restartCount} ${atFrom(r)}`).join(', ');
  const counted = `${after.length} instance(s) started after the patch at ${at(marker)}${
    after.length ? ` (${listed(after)})` : ''
  }${before ? `, ${before} before it` : ''}`;
  const fields = { rule, expected, containers: [container] };
  const first = after[0] ?? unsure[0];
  if (!enough(after.length)) {
    const couldBe = unsure.length > 0 && enough(after.length + unsure.length);
    return result({
      ...fields,
      verdict: couldBe ? 'undecided' : false,
      actual: couldBe ? `${counted}; ${listed(unsure)}: ${UNDECIDED_NOTE}` : counted,
      evidence: [marker, ...after.slice(0, 4), ...unsure.slice(0, 2)],
      measurement: { value: after.length, unit: 'count', min: times, ...(orMore ? {} : { max: times }) },
      ...(after.length < times ? { missing: [`a start of ${container} after the ${patch} patch`] } : {}),
    });
  }
  const start = after[0] as TimelineRecord;
  const range = spanBounds(marker, start);
  const ms = Math.round(nsToMs(range.point));
  const verdict: Verdict =
    withinMs === undefined ? 'pass' : withinBounds(range, { minNs: 0n, maxNs: msToNs(withinMs) });
  return result({
    ...fields,
    verdict: unsure.length && !orMore ? 'undecided' : verdict,
    actual: `${counted}; the first ${ms} ms after the patch${unsure.length ? `; ${listed(unsure)}: ${UNDECIDED_NOTE}` : ''}`,
    evidence: [marker, ...after.slice(0, 4), first === start ? undefined : first],
    measurement: { value: ms, unit: 'ms', min: 0, ...(withinMs !== undefined ? { max: withinMs } : {}) },
    span: { from: marker, to: start },
  });
}

export interface ResourcesAfterResizeOptions {
  container: string;
  /** What the status must show before the resize: the manifest's resources, canonical (`20m`, `35Mi`). */
  before: ContainerResources;
  /** What the resize asked for, canonical. */
  after: ContainerResources;
}

/** `requests.cpu 20m → 25m, limits.cpu 20m → 25m`: the values the resize changes. */
function describeChange(before: ContainerResources, after: ContainerResources): string {
  const changes: string[] = [];
  for (const part of ['requests', 'limits'] as const) {
    const keys = [...new Set([...Object.keys(before[part] ?? {}), ...Object.keys(after[part] ?? {})])].sort();
    for (const key of keys) {
      const from = before[part]?.[key];
      const to = after[part]?.[key];
      if (from !== to) changes.push(`${part}.${key} ${from ?? 'unset'} → ${to ?? 'unset'}`);
    }
  }
  return changes.join(', ') || 'unchanged resources';
}

/**
 * The container's status resources (what the kubelet actuated) read `before` up to the resize and
 * `after` from some moment after it until the end. The time from the patch to the first status
 * showing `after` is the measurement (both on the harness's clock: when it patched, when it saw).
 */
export function resourcesAfterResize(
  timeline: Timeline,
  options: ResourcesAfterResizeOptions,
): AssertionResult {
  const { container } = options;
  const before = describeResources(options.before);
  const after = describeResources(options.after);
  const marker = patchOf(timeline, 'resize');
  const seen = timeline.find({ kind: 'resources', container });
  const rule = `${container}'s status resources show ${describeChange(options.before, options.after)} after the resize`;
  const expected = `before the resize: ${before}; after it, until the end: ${after}`;
  if (!marker) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: 'no resize was recorded',
      containers: [container],
      evidence: seen.slice(0, 5),
      missing: ['the resize patch'],
    });
  }
  const earlier = seen.filter((r) => r.observedNs < marker.observedNs).at(-1);
  const later = seen.filter((r) => r.observedNs >= marker.observedNs);
  const reached = later.find((r) => r.message === after);
  const last = seen.at(-1);
  const verdict = earlier?.message === before && reached !== undefined && last?.message === after;
  const describe = (r: TimelineRecord | undefined) => (r ? `${r.message} (seen ${at(r)})` : 'none seen');
  const ms = reached ? Math.round(nsToMs(reached.ns - marker.ns)) : undefined;
  return result({
    rule,
    verdict,
    expected,
    actual: [
      `before the resize at ${at(marker)}: ${describe(earlier)}`,
      `first after: ${describe(later[0])}`,
      ...(last && last !== later[0] ? [`at the end: ${describe(last)}`] : []),
      ...(ms !== undefined ? [`${after} seen ${ms} ms after the patch`] : []),
    ].join('; '),
    containers: [container],
    evidence: [earlier, marker, ...later.slice(0, 4), later.slice(0, 4).includes(last!) ? undefined : last],
    ...(ms !== undefined ? { measurement: { value: ms, unit: 'ms' as const, min: 0 } } : {}),
    ...(reached ? { span: { from: marker, to: reached } } : {}),
    missing: missingOf({
      [`${container}'s status resources before the resize`]: earlier,
      [`${container}'s status resources after the resize`]: later[0],
    }),
  });
}

export interface ImageChangeOptions {
  container: string;
  /** The image the manifest names. */
  from: string;
  /** The image the patch set. */
  to: string;
}

const names = (record: TimelineRecord, image: string) => (record.message ?? '').includes(`"${image}"`);

/**
 * The kubelet made the container's first instance from `from` and its last from `to`: its first and
 * last Pulled events name those images. The Event is where the change shows: the container status's
 * `image` is the runtime's name for the image's digest, which stays the old name when both names
 * are one image.
 */
export function imageChange(timeline: Timeline, options: ImageChangeOptions): AssertionResult {
  const { container, from, to } = options;
  const pulls = timeline.find({ source: 'event', reason: 'Pulled', container });
  const first = pulls[0];
  const last = pulls.at(-1);
  const verdict = !!first && !!last && first !== last && names(first, from) && names(last, to);
  const quote = (r: TimelineRecord | undefined) => (r ? `${at(r)}: ${r.message ?? ''}` : 'none');
  return result({
    rule: `${container}'s Pulled events name ${from}, then ${to}`,
    verdict,
    expected: `the first Pulled event of ${container} names "${from}", the last "${to}"`,
    actual: `${pulls.length} Pulled event(s); first ${quote(first)}${last && last !== first ? `; last ${quote(last)}` : ''}`,
    containers: [container],
    evidence: [first, ...pulls.slice(1, -1).slice(0, 3), last === first ? undefined : last],
    missing: missingOf({
      [`a Pulled event of ${container}`]: first,
      [`a Pulled event of ${container} after the first`]: last === first ? undefined : last,
    }),
  });
}

/** A container's CPU and memory cgroup limits as it reads them: cgroup v2's files (or v1's, in v2's form). */
export interface CgroupLimits {
  /** `cpu.max`: `<quota> <period>` in µs, e.g. `2500 100000` for 25m. */
  cpu: string;
  /** `memory.max` in bytes, e.g. `36700160` for 35Mi. */
  memory: string;
}

const CGROUP_LINE = /\bcgroup cpu\.max=(\S+ \S+) memory\.max=(\S+)\s*$/;

/** The limits a log line of the container reports, when it is one of its cgroup lines. */
function cgroupOf(record: TimelineRecord): CgroupLimits | undefined {
  const match = CGROUP_LINE.exec(record.message ?? '');
  return match ? { cpu: match[1] as string, memory: match[2] as string } : undefined;
}

const sameLimits = (a: CgroupLimits | undefined, b: CgroupLimits) =>
  a?.cpu === b.cpu && a.memory === b.memory;

export interface CgroupAfterResizeOptions {
  container: string;
  before: CgroupLimits;
  after: CgroupLimits;
}

/**
 * The container's own cgroup, as it logs it (`<name> cgroup cpu.max=<quota> <period>
 * memory.max=<bytes>`, a line each time it reads a change), shows `before` up to the resize and
 * `after` from some line after it to its last. Log lines carry the runtime's exact times; the time
 * from the patch to the first line showing `after` (an upper bound: the container reads every
 * 0.5 s) is the measurement.
 */
export function cgroupAfterResize(timeline: Timeline, options: CgroupAfterResizeOptions): AssertionResult {
  const { container, before, after } = options;
  const marker = patchOf(timeline, 'resize');
  const lines = timeline.find({ kind: 'log', container }).filter((r) => cgroupOf(r) !== undefined);
  const change = [
    before.cpu !== after.cpu ? `cpu.max ${before.cpu} → ${after.cpu}` : `cpu.max ${after.cpu}`,
    before.memory !== after.memory
      ? `memory.max ${before.memory} → ${after.memory}`
      : `memory.max ${after.memory}`,
  ].join(', ');
  const rule = `${container}'s own cgroup reads ${change} after the resize`;
  const show = (l: CgroupLimits) => `cpu.max ${l.cpu}, memory.max ${l.memory}`;
  const expected = `before the resize: ${show(before)}; after it, to the last line: ${show(after)}`;
  if (!marker) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: 'no resize was recorded',
      containers: [container],
      evidence: lines.slice(0, 5),
      missing: ['the resize patch'],
    });
  }
  const earlier = lines.filter((r) => orderOf(r, marker) === 'pass').at(-1);
  const later = lines.filter((r) => orderOf(marker, r) === 'pass');
  const reached = later.find((r) => sameLimits(cgroupOf(r), after));
  const last = lines.at(-1);
  const verdict =
    sameLimits(earlier && cgroupOf(earlier), before) &&
    reached !== undefined &&
    sameLimits(last && cgroupOf(last), after);
  const describe = (r: TimelineRecord | undefined) => {
    const limits = r && cgroupOf(r);
    return limits && r ? `${show(limits)} (${atFrom(r)})` : 'no line';
  };
  const ms = reached ? Math.round(nsToMs(reached.ns - marker.ns)) : undefined;
  return result({
    rule,
    verdict,
    expected,
    actual: [
      `before the resize at ${at(marker)}: ${describe(earlier)}`,
      `first after: ${describe(later[0])}`,
      ...(last && last !== later[0] ? [`last: ${describe(last)}`] : []),
      ...(ms !== undefined ? [`${show(after)} read ${ms} ms after the patch`] : []),
    ].join('; '),
    containers: [container],
    evidence: [earlier, marker, ...later.slice(0, 4), later.slice(0, 4).includes(last!) ? undefined : last],
    ...(ms !== undefined ? { measurement: { value: ms, unit: 'ms' as const, min: 0 } } : {}),
    ...(reached ? { span: { from: marker, to: reached } } : {}),
    missing: missingOf({
      [`a cgroup line of ${container} before the resize`]: earlier,
      [`a cgroup line of ${container} after the resize`]: later[0],
    }),
  });
}

export interface PatchedWhileTerminatingOptions {
  patch: PatchKind;
}

/**
 * The harness made the patch while the Pod was terminating: after its delete request and before
 * the Pod was gone. All three are the harness's own marks on one clock; the time from the delete
 * request to the patch is the measurement. A rule that the kubelet ignored the patch during
 * termination means nothing without it.
 */
export function patchedWhileTerminating(
  timeline: Timeline,
  options: PatchedWhileTerminatingOptions,
): AssertionResult {
  const { patch } = options;
  const requested = timeline.first({ kind: 'delete-requested' });
  const marker = patchOf(timeline, patch);
  const gone = timeline.first({ kind: 'pod-gone' });
  const rule = `the ${patch} patch is made after the delete request and before the Pod is gone`;
  const expected = `delete request < ${patch} patch < Pod gone`;
  const actual = `delete requested ${atFrom(requested)}, ${patch} patch ${atFrom(marker)}, Pod gone ${atFrom(gone)}`;
  const missing = missingOf({
    'the delete request': requested,
    [`the ${patch} patch`]: marker,
    "the Pod's deletion": gone,
  });
  if (!requested || !marker || !gone) {
    return result({
      rule,
      verdict: false,
      expected,
      actual,
      containers: [],
      evidence: [requested, marker, gone, timeline.records.at(-1)],
      missing,
    });
  }
  const afterDelete = orderOf(requested, marker);
  const beforeGone = orderOf(marker, gone);
  const verdict: Verdict =
    afterDelete === 'fail' || beforeGone === 'fail'
      ? 'fail'
      : afterDelete === 'undecided' || beforeGone === 'undecided'
        ? 'undecided'
        : 'pass';
  const ms = Math.round(nsToMs(marker.ns - requested.ns));
  return result({
    rule,
    verdict,
    expected,
    actual: `${actual}: the patch ${ms} ms after the delete request`,
    containers: [],
    evidence: [requested, marker, gone],
    measurement: { value: ms, unit: 'ms', min: 0 },
    span: { from: requested, to: marker },
  });
}
