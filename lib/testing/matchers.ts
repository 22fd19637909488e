import { expect } from 'vitest';
import type { ExitOptions, StartSource } from '../assert/instants.js';
import { overallVerdict, type AssertionResult, type Verdict } from '../assert/result.js';
import {
  exitsBefore,
  hasRestarted,
  runTogether,
  startsBefore,
  stopsAfter,
  type Bounds,
} from '../assert/vocabulary.js';
import { explainAssertion } from '../report/explain.js';
import { Timeline } from '../timeline/timeline.js';

/**
 * Vitest matchers over a Pod's timeline, each a thin wrapper of one rule (lib/assert/vocabulary.ts).
 * Importing this module registers them (`import 'sidecar-conformance/vitest'`):
 *
 * ```ts
 * expect(observer.timeline).toStartBefore('proxy', 'app');
 * expect(observer).toStopInReverseOrder({ sidecars: ['log-shipper', 'proxy'], apps: ['app'] });
 * ```
 *
 * The received value is a Timeline, or anything that has one (a PodObserver, a ScenarioResult).
 * A matcher passes when the rule's verdict is `pass`; otherwise its message is the rule explained
 * (the sentence, expected, actual, and the records with their times). An `undecided` verdict (times
 * too coarse to tell) fails both `expect(…).toX()` and `expect(…).not.toX()`: it is neither.
 */

/** What the matchers accept: a timeline, or an object holding one. */
export type TimelineLike = Timeline | { timeline: Timeline };

/** Takes a PodShape as it stands (`loadPodManifest(path).shape`). */
export interface StopInReverseOrderOptions extends ExitOptions {
  /** The sidecars in manifest order (the first one starts first and must stop last). */
  sidecars: string[];
  /** The app containers; every one must exit before the last sidecar does. */
  apps: string[];
}

export interface TimelineMatchers<R = unknown> {
  /** `first` starts before `then` (runtime ns when observed, else status whole seconds; or one `source`). */
  toStartBefore: (first: string, then: string, options?: { source?: StartSource }) => R;
  /** `first`'s last instance exits before `then`'s. */
  toExitBefore: (first: string, then: string, options?: ExitOptions) => R;
  /** Every app exits before the sidecars, which then stop in reverse manifest order. */
  toStopInReverseOrder: (options: StopInReverseOrderOptions) => R;
  /** Both containers were running at one moment. */
  toRunTogether: (a: string, b: string) => R;
  /** The container's restart count reached `atLeast` (default 1). */
  toHaveRestarted: (container: string, options?: { atLeast?: number }) => R;
  /** `then` stops within bounds (ms, inclusive) after `first` stopped. */
  toStopWithin: (first: string, then: string, bounds: Bounds & ExitOptions) => R;
}

declare module 'vitest' {
  // The type parameter must match vitest's own declaration to merge with it.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unused-vars, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends TimelineMatchers<void> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends TimelineMatchers {}
}

function timelineOf(received: unknown): Timeline {
  if (received instanceof Timeline) return received;
  const held = (received as { timeline?: unknown } | null | undefined)?.timeline;
  if (held instanceof Timeline) return held;
  throw new TypeError(
    `expected a Timeline or an object with a timeline (a PodObserver, a ScenarioResult), got ${
      received === null ? 'null' : typeof received
    }`,
  );
}

interface MatcherOutcome {
  pass: boolean;
  message: () => string;
}

/**
 * The matcher's answer for one or more rule results. Vitest inverts `pass` for `.not`, so an
 * undecided verdict answers `pass: false` to the positive form and `pass: true` to the negated one:
 * both fail.
 */
function outcome(results: AssertionResult[], isNot: boolean, summary?: string): MatcherOutcome {
  const verdict: Verdict = overallVerdict(results.map((r) => r.verdict));
  const what = summary ?? results.map((r) => r.rule).join('; ');
  const shown = (wanted: (v: Verdict) => boolean) => results.filter((r) => wanted(r.verdict));
  const explain = (list: AssertionResult[]) => list.map(explainAssertion).join('\n');
  if (verdict === 'undecided') {
    return {
      pass: isNot,
      message: () =>
        `${isNot ? 'expected not: ' : 'expected: '}${what}; this could not be decided from the timeline (neither pass nor fail):\n${explain(shown((v) => v !== 'pass'))}`,
    };
  }
  return {
    pass: verdict === 'pass',
    message: () =>
      isNot
        ? `expected not: ${what}; but it holds:\n${explain(results)}`
        : `expected: ${what}; but it does not hold:\n${explain(shown((v) => v === 'fail'))}`,
  };
}

/** The rules `toStopInReverseOrder` checks: each app before the last sidecar, then sidecars last → first. */
export function reverseOrderRules(timeline: Timeline, options: StopInReverseOrderOptions): AssertionResult[] {
  const { sidecars, apps, announcedByLastLogLine } = options;
  const exit: ExitOptions = announcedByLastLogLine !== undefined ? { announcedByLastLogLine } : {};
  const reversed = [...sidecars].reverse();
  const [lastSidecar] = reversed;
  if (lastSidecar === undefined) return [];
  const rules = apps.map((app) => exitsBefore(timeline, { first: app, then: lastSidecar, ...exit }));
  for (let i = 1; i < reversed.length; i++) {
    rules.push(
      exitsBefore(timeline, { first: reversed[i - 1] as string, then: reversed[i] as string, ...exit }),
    );
  }
  return rules;
}

/** The matchers as `expect.extend` takes them (registered on import; exported to register elsewhere). */
export const timelineMatchers = {
  toStartBefore(received: unknown, first: string, then: string, options: { source?: StartSource } = {}) {
    const rule = startsBefore(timelineOf(received), { first, then, ...options });
    return outcome([rule], this.isNot);
  },
  toExitBefore(received: unknown, first: string, then: string, options: ExitOptions = {}) {
    return outcome([exitsBefore(timelineOf(received), { first, then, ...options })], this.isNot);
  },
  toStopInReverseOrder(received: unknown, options: StopInReverseOrderOptions) {
    const rules = reverseOrderRules(timelineOf(received), options);
    if (rules.length === 0) {
      return {
        pass: false,
        message: () => 'toStopInReverseOrder needs at least one sidecar in { sidecars: [...] }',
      };
    }
    const order = [...options.apps, ...[...options.sidecars].reverse()].join(' → ');
    return outcome(rules, this.isNot, `containers stop in the order ${order}`);
  },
  toRunTogether(received: unknown, a: string, b: string) {
    return outcome([runTogether(timelineOf(received), { a, b })], this.isNot);
  },
  toHaveRestarted(received: unknown, container: string, options: { atLeast?: number } = {}) {
    return outcome([hasRestarted(timelineOf(received), { container, ...options })], this.isNot);
  },
  toStopWithin(received: unknown, first: string, then: string, bounds: Bounds & ExitOptions) {
    return outcome([stopsAfter(timelineOf(received), { first, then, ...bounds })], this.isNot);
  },
} satisfies Record<string, (this: { isNot: boolean }, received: unknown, ...args: never[]) => MatcherOutcome>;

expect.extend(timelineMatchers);
