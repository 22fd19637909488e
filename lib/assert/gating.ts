import type { Timeline } from '../timeline/timeline.js';
import { orderOf, startOf } from './instants.js';
import type { AssertionResult, Verdict } from './result.js';
import { at, atFrom, missingOf, result } from './rule.js';

/**
 * Rules about containers the kubelet holds back: a sidecar whose startupProbe never passes, and a
 * container that starts only after another one logged that it is up (`neverStarts` is in
 * ./lifecycle.ts).
 */

/**
 * The sidecar's status never said `started: true`: its startupProbe never passed (a sidecar with
 * no startupProbe reports started as soon as it runs).
 */
export function neverReportsStarted(timeline: Timeline, options: { container: string }): AssertionResult {
  const { container } = options;
  const passed = timeline.find({ kind: 'startup-passed', container });
  const ran = startOf(timeline, container);
  return result({
    rule: `${container} never reports started: true`,
    verdict: passed.length === 0,
    expected: `${container}'s status never shows started: true`,
    actual: passed[0]
      ? `started: true seen at ${at(passed[0])}${ran ? ` (${container} started ${atFrom(ran)})` : ''}`
      : `started: true never seen${ran ? `; ${container} ran from ${atFrom(ran)}` : ''}`,
    containers: [container],
    evidence: [ran, ...passed],
    claim: 'absence',
  });
}

export interface StartsAfterLineOptions {
  /** The container whose log line marks the moment. */
  container: string;
  /** Its first log line matching this. */
  line: RegExp;
  /** The container that must start only after it. */
  then: string;
}

/**
 * `then` starts after `container` logged `line` (e.g. the line a sidecar prints right after it
 * creates the file its startupProbe tests): upstream's StartsBefore, read on the runtime's clock,
 * which stamps both the log line and the start.
 */
export function startsAfterLine(timeline: Timeline, options: StartsAfterLineOptions): AssertionResult {
  const { container, line, then } = options;
  const logged = timeline.find({ kind: 'log', container }).find((r) => line.test(r.message ?? ''));
  const start = startOf(timeline, then);
  const verdict: Verdict = logged && start ? orderOf(logged, start) : 'fail';
  const actual = `${container} logged /${line.source}/ ${atFrom(logged)}, ${then} started ${atFrom(start)}`;
  return result({
    rule: `${then} starts after ${container} logs /${line.source}/`,
    verdict,
    expected: `${then} started after ${container}'s line`,
    actual: verdict === 'undecided' ? `${actual}: the times are too coarse to tell the order` : actual,
    containers: [container, then],
    evidence: [logged, start],
    missing: missingOf({
      [`a line of ${container} matching /${line.source}/`]: logged,
      [`a start of ${then}`]: start,
    }),
  });
}
