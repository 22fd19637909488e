import type { TimelineRecord } from '../timeline/record.js';
import type { Timeline } from '../timeline/timeline.js';
import type { RecordPredicate } from './mutate.js';

/** Log lines of a recorded run, picked by container and text, for tests that mutate them. */

/** The container's log lines matching `text` (of one instance when given: its restartCount). */
export const logLine =
  (container: string, text: RegExp, instance?: number): RecordPredicate =>
  (r) =>
    r.kind === 'log' &&
    r.container === container &&
    text.test(r.message ?? '') &&
    (instance === undefined || r.restartCount === instance);

/** The first (or last) such line; throws when the recorded run has none. */
export function lineOf(
  timeline: Timeline,
  container: string,
  text: RegExp,
  which: 'first' | 'last' = 'first',
  instance?: number,
): TimelineRecord {
  const lines = timeline.records.filter(logLine(container, text, instance));
  const line = which === 'first' ? lines[0] : lines.at(-1);
  if (!line) throw new Error(`the recorded timeline has no line of ${container} matching ${text}`);
  return line;
}
