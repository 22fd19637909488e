import { describe, expect, it } from 'vitest';
import type { RecordKind, RecordSource, TimelineRecord } from '../timeline/record.js';
import { msToNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import { laneOrder, runSegments } from './lanes.js';

const T0 = 1_773_532_050_000_000_000n;
const at = (ms: number) => T0 + msToNs(ms);

// Synthetic records, shaped like the observe step's: only the fields the lane logic reads matter.
function timeline(
  ...facts: [number, RecordSource, RecordKind, string, Partial<TimelineRecord>?][]
): TimelineRecord[] {
  const result = new Timeline();
  for (const [ms, source, kind, container, extra] of facts) {
    result.add({
      source,
      kind,
      container,
      time: '',
      ns: at(ms),
      precision: source === 'log' ? 'exact' : 'second',
      observedNs: at(ms),
      ...extra,
    });
  }
  return result.records;
}

describe('runSegments', () => {
  it('merges the status and the Event reporting the same start', () => {
    const records = timeline(
      [1000, 'status', 'started', 'app', { restartCount: 0 }],
      [1000, 'event', 'started', 'app'],
      [5000, 'status', 'terminated', 'app', { exitCode: 0 }],
    );
    expect(runSegments(records, 'app', at(9000))).toEqual([
      { startNs: at(1000), endNs: at(5000), open: false, restartCount: 0 },
    ]);
  });

  it('opens a new segment per restart and runs the last to the end of the timeline', () => {
    const records = timeline(
      [1000, 'status', 'started', 'sidecar', { restartCount: 0 }],
      [30000, 'status', 'terminated', 'sidecar', { exitCode: 137 }],
      [41000, 'status', 'restarted', 'sidecar', { restartCount: 1 }],
      [41000, 'status', 'started', 'sidecar', { restartCount: 1 }],
      [70000, 'status', 'started', 'sidecar', { restartCount: 2 }],
    );
    expect(runSegments(records, 'sidecar', at(80000))).toEqual([
      { startNs: at(1000), endNs: at(30000), open: false, restartCount: 0 },
      // The termination before restart 2 was missed: the segment ends where the next one begins.
      { startNs: at(41000), endNs: at(70000), open: false, restartCount: 1 },
      { startNs: at(70000), endNs: at(80000), open: true, restartCount: 2 },
    ]);
  });

  it('ends a segment at the exact last log line when the whole-second termination sorts before it', () => {
    const records = timeline(
      [1000, 'status', 'started', 'app'],
      [9000, 'status', 'terminated', 'app'],
      [9052, 'log', 'log', 'app', { message: 'app' }],
    );
    expect(runSegments(records, 'app', at(12000))).toEqual([
      { startNs: at(1000), endNs: at(9052), open: false },
    ]);
  });

  it('ignores other containers and draws nothing for a container that never started', () => {
    const records = timeline([1000, 'status', 'started', 'app'], [1000, 'event', 'scheduled', 'other']);
    expect(runSegments(records, 'other', at(2000))).toEqual([]);
    expect(laneOrder(records)).toEqual(['app', 'other']);
  });
});
