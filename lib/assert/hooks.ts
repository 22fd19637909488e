import type { TimelineRecord } from '../timeline/record.js';
import { msToNs, nsToMs } from '../timeline/time.js';
import type { Timeline } from '../timeline/timeline.js';
import { exitOf, spanBounds, withinBounds } from './instants.js';
import type { AssertionResult } from './result.js';
import { atFrom, missingOf, result } from './rule.js';
import { describeBounds, type Bounds } from './timing.js';

/**
 * Rules about lifecycle hooks, read from the lines a hook writes into its container's log (an exec
 * hook writing to /proc/1/fd/1 lands in the container's stdout, stamped by the runtime like the
 * container's own lines): when a hook started, ended, or was cut off.
 */

export type HookName = 'preStop' | 'postStart';

/** The container's log lines matching `line`, of one instance (restartCount) or of all. */
function linesOf(timeline: Timeline, container: string, line: RegExp, instance?: number): TimelineRecord[] {
  return timeline
    .find({ kind: 'log', container })
    .filter((r) => line.test(r.message ?? '') && (instance === undefined || r.restartCount === instance));
}

/** `12 ms`, `1520 ms`: a span in whole milliseconds. */
const ms = (ns: bigint) => Math.round(nsToMs(ns));

/** `≥ 30500 ms and ≤ 33500 ms`. */
const boundsText = (bounds: Bounds) =>
  [
    bounds.minMs !== undefined ? `≥ ${bounds.minMs} ms` : '',
    bounds.maxMs !== undefined ? `≤ ${bounds.maxMs} ms` : '',
  ]
    .filter(Boolean)
    .join(' and ');

export interface HookBeforeSigtermOptions {
  container: string;
  hook?: HookName;
  /** The hook's first line and its last one. */
  start: RegExp;
  end: RegExp;
  /** The line the container's own SIGTERM handler prints. */
  sigterm: RegExp;
  /** How many stopped instances must show the whole sequence (default 1). */
  atLeast?: number;
}

/**
 * In each instance the kubelet stopped, the hook starts, ends, and only then does the container
 * handle SIGTERM: the kubelet runs preStop to completion before it signals the container. An
 * instance still inside its hook when observation ended is counted as neither.
 */
export function hookEndsBeforeSigterm(
  timeline: Timeline,
  options: HookBeforeSigtermOptions,
): AssertionResult {
  const { container, hook = 'preStop', start, end, sigterm, atLeast = 1 } = options;
  const instances = [...new Set(linesOf(timeline, container, start).map((r) => r.restartCount ?? 0))];
  const complete: [TimelineRecord, TimelineRecord, TimelineRecord][] = [];
  const wrong: string[] = [];
  const evidence: TimelineRecord[] = [];
  for (const instance of instances) {
    const s = linesOf(timeline, container, start, instance)[0] as TimelineRecord;
    const e = linesOf(timeline, container, end, instance).find((r) => r.ns >= s.ns);
    const t = linesOf(timeline, container, sigterm, instance)[0];
    evidence.push(...[s, e, t].filter((r): r is TimelineRecord => r !== undefined));
    const where = `the instance with restartCount ${instance}`;
    if (t && t.ns < s.ns)
      wrong.push(`${where}: SIGTERM handled ${atFrom(t)}, before the hook started ${atFrom(s)}`);
    else if (t && (!e || t.ns < e.ns))
      wrong.push(
        `${where}: SIGTERM handled ${atFrom(t)} while the hook (started ${atFrom(s)}) had not ended${e ? ` (it ended ${atFrom(e)})` : ''}`,
      );
    else if (e && t) complete.push([s, e, t]);
  }
  const verdict = wrong.length === 0 && complete.length >= atLeast;
  const seen = complete
    .map(
      ([s, e, t]) =>
        `hook ${atFrom(s)} → ${atFrom(e)} (${ms(e.ns - s.ns)} ms), SIGTERM ${ms(t.ns - e.ns)} ms later`,
    )
    .join('; ');
  return result({
    rule: `${container}'s ${hook} hook ends before ${container} handles SIGTERM, in ≥ ${atLeast} stopped instance${atLeast === 1 ? '' : 's'}`,
    verdict,
    expected: `per instance: /${start.source}/, then /${end.source}/, then /${sigterm.source}/, in ≥ ${atLeast} instance(s)`,
    actual: [
      ...wrong,
      `${complete.length} instance(s) with the whole sequence${seen ? `: ${seen}` : ''}`,
    ].join('; '),
    containers: [container],
    evidence,
    measurement: { value: complete.length, unit: 'count', min: atLeast },
    // Too few instances, none wrong: the lines that would make up the rest never came.
    missing:
      complete.length < atLeast && wrong.length === 0
        ? [
            `${atLeast - complete.length} more instance(s) of ${container} with its ${hook} hook and SIGTERM lines`,
          ]
        : [],
  });
}

export interface HookLifetimeOptions extends Bounds {
  container: string;
  hook?: HookName;
  /** The hook's first line. */
  start: RegExp;
  /**
   * Where its life ends: its last line matching this (a hook that loops until it is killed), or
   * `exit`, the container's exit (a hook cut off in the middle of a sleep).
   */
  until: RegExp | 'exit';
}

/**
 * The hook's lifetime, from its first line to its last line (or to the exit of that instance of the
 * container), lies within bounds: a hook that never ends lives as long as the kubelet lets its
 * container live.
 */
export function hookLifetime(timeline: Timeline, options: HookLifetimeOptions): AssertionResult {
  const { container, hook = 'preStop', start, until } = options;
  const from = linesOf(timeline, container, start)[0];
  const instance = from?.restartCount;
  const to =
    until === 'exit'
      ? (timeline
          .find({ kind: 'terminated', container, source: 'runtime' })
          .find((r) => r.restartCount === instance) ?? exitOf(timeline, container))
      : linesOf(timeline, container, until, instance)
          .filter((r) => !from || r.ns >= from.ns)
          .at(-1);
  const endText = until === 'exit' ? `${container} exits` : `its last /${until.source}/ line`;
  const rule = `${container}'s ${hook} hook lives ${describeBounds(options)}, from /${start.source}/ until ${endText}`;
  const expected = boundsText(options);
  if (!from || !to) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `hook started ${atFrom(from)}, ${endText} ${atFrom(to)}`,
      containers: [container],
      evidence: [from, to, ...timeline.find({ kind: 'log', container }).slice(-3)],
      missing: missingOf({
        [`a ${hook} line of ${container} matching /${start.source}/`]: from,
        [endText]: to,
      }),
    });
  }
  const range = spanBounds(from, to);
  const value = ms(range.point);
  return result({
    rule,
    verdict: withinBounds(range, {
      ...(options.minMs !== undefined ? { minNs: msToNs(options.minMs) } : {}),
      ...(options.maxMs !== undefined ? { maxNs: msToNs(options.maxMs) } : {}),
    }),
    expected,
    actual: `${value} ms${range.hi !== range.lo ? `, between ${ms(range.lo)} and ${ms(range.hi)} ms at whole-second precision` : ''} (hook started ${atFrom(from)} → ${endText} ${atFrom(to)})`,
    containers: [container],
    evidence: [from, to],
    measurement: {
      value,
      unit: 'ms',
      ...(options.minMs !== undefined ? { min: options.minMs } : {}),
      ...(options.maxMs !== undefined ? { max: options.maxMs } : {}),
    },
    span: { from, to },
  });
}

export interface HooksTogetherOptions {
  containers: string[];
  hook?: HookName;
  /** The line compared: each container's first line matching it, or its last. */
  line: RegExp;
  which: 'first' | 'last';
  withinMs: number;
}

/**
 * The hooks of several containers start (their first line) or stop logging (their last line)
 * within `withinMs` of each other: the kubelet runs every container's kill, hook included, at once.
 */
export function hooksTogether(timeline: Timeline, options: HooksTogetherOptions): AssertionResult {
  const { containers, hook = 'preStop', line, which, withinMs } = options;
  const picks = containers.map((container) => {
    const lines = linesOf(timeline, container, line);
    return { container, record: which === 'first' ? lines[0] : lines.at(-1) };
  });
  const found = picks.filter((p): p is { container: string; record: TimelineRecord } => !!p.record);
  const what = which === 'first' ? 'start' : 'log their last line';
  const rule = `the ${hook} hooks of ${containers.join(', ')} ${what} within ${withinMs} ms of each other`;
  const list = picks.map((p) => `${p.container} ${atFrom(p.record)}`).join(', ');
  if (found.length < containers.length) {
    return result({
      rule,
      verdict: false,
      expected: `every container's ${which} /${line.source}/ line within ${withinMs} ms of the others'`,
      actual: list,
      containers,
      evidence: found.map((p) => p.record),
      missing: picks
        .filter((p) => !p.record)
        .map((p) => `a ${hook} line of ${p.container} matching /${line.source}/`),
    });
  }
  const earliest = found.reduce((a, b) => (b.record.ns < a.record.ns ? b : a));
  const latest = found.reduce((a, b) => (b.record.ns > a.record.ns ? b : a));
  const spreadNs = latest.record.ns - earliest.record.ns;
  const coarse = found.some((p) => p.record.precision === 'second');
  const loNs = coarse ? (spreadNs > 1_000_000_000n ? spreadNs - 1_000_000_000n : 0n) : spreadNs;
  const hiNs = coarse ? spreadNs + 1_000_000_000n : spreadNs;
  return result({
    rule,
    verdict: withinBounds({ lo: loNs, hi: hiNs }, { maxNs: msToNs(withinMs) }),
    expected: `the ${which} /${line.source}/ lines at most ${withinMs} ms apart`,
    actual: `${ms(spreadNs)} ms from ${earliest.container} to ${latest.container} (${list})`,
    containers,
    evidence: found.map((p) => p.record),
    measurement: { value: ms(spreadNs), unit: 'ms', max: withinMs },
    span: { from: earliest.record, to: latest.record },
  });
}

export interface SigtermAfterHookOptions extends Bounds {
  container: string;
  hook?: HookName;
  /** The hook's first line. */
  start: RegExp;
  /** The line the container's own SIGTERM handler prints. */
  sigterm: RegExp;
}

/**
 * The container handles SIGTERM within bounds after its hook started (same instance): a hook that
 * outlasts the grace period holds SIGTERM back until the budget is spent, so the span is the grace
 * period, not the hook's own length. Both ends are lines the runtime stamped.
 */
export function sigtermAfterHook(timeline: Timeline, options: SigtermAfterHookOptions): AssertionResult {
  const { container, hook = 'preStop', start, sigterm } = options;
  const from = linesOf(timeline, container, start)[0];
  const to = from
    ? linesOf(timeline, container, sigterm, from.restartCount).find((r) => r.ns >= from.ns)
    : undefined;
  const rule = `${container} handles SIGTERM ${describeBounds(options)} after its ${hook} hook starts`;
  const expected = boundsText(options);
  if (!from || !to) {
    return result({
      rule,
      verdict: false,
      expected,
      actual: `hook started ${atFrom(from)}, SIGTERM handled ${atFrom(to)}`,
      containers: [container],
      evidence: [from, to, ...timeline.find({ kind: 'log', container }).slice(-3)],
      missing: missingOf({
        [`a ${hook} line of ${container} matching /${start.source}/`]: from,
        [`a line of ${container} matching /${sigterm.source}/ after it`]: to,
      }),
    });
  }
  const value = ms(to.ns - from.ns);
  return result({
    rule,
    verdict: withinBounds(
      { lo: to.ns - from.ns, hi: to.ns - from.ns },
      {
        ...(options.minMs !== undefined ? { minNs: msToNs(options.minMs) } : {}),
        ...(options.maxMs !== undefined ? { maxNs: msToNs(options.maxMs) } : {}),
      },
    ),
    expected,
    actual: `${value} ms (hook started ${atFrom(from)} → SIGTERM handled ${atFrom(to)})`,
    containers: [container],
    evidence: [from, to],
    measurement: {
      value,
      unit: 'ms',
      ...(options.minMs !== undefined ? { min: options.minMs } : {}),
      ...(options.maxMs !== undefined ? { max: options.maxMs } : {}),
    },
    span: { from, to },
  });
}
