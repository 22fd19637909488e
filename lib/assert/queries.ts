import type { Timeline } from '../timeline/timeline.js';

/** Facts read off a timeline, for rules and reports; queries, not rules: they return values, not verdicts. */

/** The highest restart count the container reached. */
export function restartCount(timeline: Timeline, container: string): number {
  return timeline
    .find({ container, source: 'status' })
    .reduce((max, r) => Math.max(max, r.restartCount ?? 0), 0);
}

/** Whether the container is ready at the end of the timeline (its last ready/not-ready record). */
export function readyAtEnd(timeline: Timeline, container: string): boolean {
  return timeline.find({ kind: ['ready', 'not-ready'], container }).at(-1)?.kind === 'ready';
}
