import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../testing/fixture.js';
import type { TimelineRecord } from './record.js';
import { parseTimeNs } from './time.js';
import { formatRecord, formatSlice, Timeline } from './timeline.js';

const { fixture, timeline } = await loadFixture(
  // A frozen copy of File 2's run recorded on 2026-11-28 (before runtime times): these tests pin its
  // exact records; the rules' fixtures under fixtures/ are re-recorded as the harness grows.
  fileURLToPath(new URL('./testdata/order-v1.37.2-20261128.json', import.meta.url)),
);

function withoutSeq(record: TimelineRecord): Omit<TimelineRecord, 'seq'> {
  const copy: Partial<TimelineRecord> = { ...record };
  delete copy.seq;
  return copy as Omit<TimelineRecord, 'seq'>;
}

/** Each record after the previous one: by time, ties by observation sequence. */
function expectSorted(records: TimelineRecord[]) {
  for (const [i, r] of records.entries()) {
    const prev = records[i - 1];
    if (!prev) continue;
    expect(prev.ns <= r.ns, `${prev.seq} before ${r.seq}`).toBe(true);
    if (prev.ns === r.ns) expect(prev.seq).toBeLessThan(r.seq);
  }
}

describe('Timeline', () => {
  it('orders records by time, then by observation sequence, whatever order they came in', () => {
    const shuffled = new Timeline([...timeline.records].reverse());
    expectSorted(shuffled.records);
    expect(shuffled.records).toEqual(timeline.records);
    // The recorded run has real ties: many whole-second records at 20:41:50.
    const tied = timeline.records.filter((r) => r.ns === parseTimeNs('2026-11-28T20:41:50Z'));
    expect(tied.length).toBeGreaterThan(5);
    expect(tied.map((r) => r.seq)).toEqual([...tied.map((r) => r.seq)].sort((a, b) => a - b));
  });

  it('keeps the sequence number, not the position, as the tie-break', () => {
    const [a, b] = timeline
      .find({ kind: 'started', source: 'event', container: 'first-sidecar' })
      .concat(timeline.find({ kind: 'started', source: 'event', container: 'second-sidecar' })) as [
      TimelineRecord,
      TimelineRecord,
    ];
    expect(a.ns).toBe(b.ns);
    const flipped = new Timeline([
      { ...b, seq: a.seq },
      { ...a, seq: b.seq },
    ]);
    expect(flipped.records.map((r) => r.container)).toEqual(['second-sidecar', 'first-sidecar']);
  });

  it('stamps added records with the next sequence number', () => {
    const copy = new Timeline(timeline.records);
    const last = timeline.records.at(-1) as TimelineRecord;
    const rest = withoutSeq(last);
    const added = copy.add({ ...rest, kind: 'pod-gone' });
    expect(added.seq).toBe(fixture.records.length);
    expect(copy.size).toBe(timeline.size + 1);
    expect(copy.records.at(-1)).toBe(added);
    expect(new Timeline().add(rest).seq).toBe(0);
  });

  it('hands out a sorted copy, so callers cannot reorder it', () => {
    const records = timeline.records;
    records.reverse();
    expectSorted(timeline.records);
  });

  it('finds records by kind, source, container and reason, in time order', () => {
    expect(timeline.find({ kind: 'killing' }).map((r) => r.container)).toEqual([
      'first-sidecar',
      'app',
      'second-sidecar',
    ]);
    expect(timeline.find({ kind: ['log', 'terminated'], container: 'app' }).map((r) => r.kind)).toEqual([
      'terminated',
      'log',
    ]);
    expect(timeline.find({ source: 'harness' }).map((r) => r.kind)).toEqual([
      'applied',
      'delete-requested',
      'pod-gone',
    ]);
    expect(timeline.find({ reason: 'Succeeded' })).toHaveLength(1);
    expect(timeline.first({ kind: 'started', container: 'app' })?.source).toBe('event');
    expect(timeline.first({ kind: 'started', container: 'nobody' })).toBeUndefined();
  });

  it('slices records between two times, inclusive', () => {
    const from = parseTimeNs('2026-11-28T20:41:54Z');
    const to = parseTimeNs('2026-11-28T20:41:57.952582040Z');
    expect(timeline.between(from, to).map((r) => `${r.kind} ${r.container}`)).toEqual([
      'terminated app',
      'log app',
      'terminated second-sidecar',
      'log second-sidecar',
    ]);
  });

  it('lists the containers it saw', () => {
    expect(timeline.containers().sort()).toEqual(['app', 'first-sidecar', 'second-sidecar']);
  });
});

describe('Timeline JSON', () => {
  it('writes BigInts as decimal strings, in time order', () => {
    const json = timeline.toJSON();
    expect(json).toEqual(fixture.records);
    expect(typeof json[0]?.ns).toBe('string');
    expect(typeof json[0]?.observedNs).toBe('string');
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('round-trips through JSON text keeping every BigInt', () => {
    const back = Timeline.fromJSON(JSON.parse(JSON.stringify(timeline.toJSON())));
    expect(back.records).toEqual(timeline.records);
    for (const r of back.records) {
      expect(typeof r.ns).toBe('bigint');
      expect(typeof r.observedNs).toBe('bigint');
    }
    const log = back.first({ kind: 'log', container: 'second-sidecar' });
    expect(log?.ns).toBe(1_795_898_517_952_582_040n);
  });

  it('continues the sequence after a round-trip', () => {
    const back = Timeline.fromJSON(timeline.toJSON());
    const rest = withoutSeq(back.records[0] as TimelineRecord);
    expect(back.add(rest).seq).toBe(Math.max(...timeline.records.map((r) => r.seq)) + 1);
  });
});

describe('formatRecord', () => {
  it('prints one line with the time, source, kind, container and what happened', () => {
    const log = timeline.first({ kind: 'log', container: 'second-sidecar' }) as TimelineRecord;
    expect(formatRecord(log)).toMatch(/^20:41:57\.952 +log +log +second-sidecar +second-sidecar restarts=0$/);
  });

  it('marks whole-second and observed-only times, and Pod-level facts', () => {
    const terminated = timeline.first({ kind: 'terminated', container: 'app' }) as TimelineRecord;
    expect(formatRecord(terminated)).toMatch(/^20:41:54\.000\(s\) .* app .*Completed restarts=0 exit=0$/);
    const phase = timeline.find({ kind: 'pod-phase' }).at(-1) as TimelineRecord;
    expect(formatRecord(phase)).toMatch(/^20:42:01\.159\(obs\) .*<pod> +Succeeded$/);
  });

  it('indents a slice, one record a line', () => {
    const slice = formatSlice(timeline.find({ kind: 'killing' }));
    expect(slice.split('\n')).toHaveLength(3);
    for (const line of slice.split('\n')) expect(line).toMatch(/^ {4}20:41:51\.000\(s\) +event +killing /);
  });
});
