import { describe, expect, test } from 'vitest';
import type { RecordKind, RecordSource, TimelineRecord } from '../timeline/record.js';
import { formatTimeNs, parseTimeNs } from '../timeline/time.js';
import { Timeline } from '../timeline/timeline.js';
import './matchers.js';

/** Small hand-built timelines: exact (runtime) times unless a record says `second`. */
const T0 = parseTimeNs('2026-01-02T10:00:00Z');
const MS = 1_000_000n;
const HHMMSS_SSS = /\d{2}:\d{2}:\d{2}\.\d{3}/;

interface Fact {
  kind: RecordKind;
  container: string;
  atMs: number;
  source?: RecordSource;
  precision?: TimelineRecord['precision'];
  restartCount?: number;
}

function timeline(...facts: Fact[]): Timeline {
  const t = new Timeline();
  for (const fact of facts) {
    const ns = T0 + BigInt(fact.atMs) * MS;
    t.add({
      source: fact.source ?? 'runtime',
      kind: fact.kind,
      container: fact.container,
      time: formatTimeNs(ns),
      ns,
      precision: fact.precision ?? 'exact',
      observedNs: ns,
      ...(fact.restartCount !== undefined ? { restartCount: fact.restartCount } : {}),
    });
  }
  return t;
}

/** A Pod with two sidecars and an app: started in order, stopped in reverse order 3 s apart. */
const healthy = () =>
  timeline(
    { kind: 'started', container: 'first-sidecar', atMs: 0 },
    { kind: 'started', container: 'second-sidecar', atMs: 120 },
    { kind: 'started', container: 'app', atMs: 250 },
    { kind: 'terminated', container: 'app', atMs: 10_000 },
    { kind: 'terminated', container: 'second-sidecar', atMs: 13_050 },
    { kind: 'terminated', container: 'first-sidecar', atMs: 16_100 },
  );

/** The message a failing expectation throws. */
function messageOf(run: () => void): string {
  try {
    run();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the expectation did not fail');
}

describe('timeline matchers', () => {
  test('pass when the rule passes, on a Timeline or anything holding one', () => {
    const t = healthy();
    expect(t).toStartBefore('first-sidecar', 'app');
    expect({ timeline: t }).toStartBefore('second-sidecar', 'app');
    expect(t).toExitBefore('app', 'second-sidecar');
    expect(t).toStopInReverseOrder({ sidecars: ['first-sidecar', 'second-sidecar'], apps: ['app'] });
    expect(t).toRunTogether('first-sidecar', 'app');
    expect(t).toStopWithin('app', 'second-sidecar', { minMs: 3000, maxMs: 5000 });
  });

  test('fail with the rule explained: containers and times', () => {
    const t = timeline(
      { kind: 'started', container: 'app', atMs: 0 },
      { kind: 'started', container: 'proxy', atMs: 40 },
    );
    const message = messageOf(() => expect(t).toStartBefore('proxy', 'app'));
    expect(message).toContain('proxy starts before app');
    expect(message).toContain('proxy started 10:00:00.040 (runtime), app started 10:00:00.000 (runtime)');
    expect(message).toMatch(HHMMSS_SSS);
    expect(message).toContain('expected: proxy started before app');
  });

  test('a reverse shutdown out of order names the pair that broke it', () => {
    const t = timeline(
      { kind: 'terminated', container: 'first-sidecar', atMs: 1000 },
      { kind: 'terminated', container: 'app', atMs: 2000 },
      { kind: 'terminated', container: 'second-sidecar', atMs: 5000 },
    );
    const message = messageOf(() =>
      expect(t).toStopInReverseOrder({ sidecars: ['first-sidecar', 'second-sidecar'], apps: ['app'] }),
    );
    expect(message).toContain('app → second-sidecar → first-sidecar');
    expect(message).toContain('second-sidecar exits before first-sidecar');
    expect(message).toContain('first-sidecar exited 10:00:01.000 (runtime)');
    // The rule that held is not shown as a failure.
    expect(message).not.toContain('app exits before second-sidecar');
  });

  test('a gap outside its bounds shows the measured gap', () => {
    const message = messageOf(() =>
      expect(healthy()).toStopWithin('second-sidecar', 'first-sidecar', { minMs: 0, maxMs: 1000 }),
    );
    expect(message).toContain('first-sidecar stops 0–1000 ms after second-sidecar');
    expect(message).toContain('3050 ms (second-sidecar 10:00:13.050 (runtime) → first-sidecar');
  });

  test('toHaveRestarted reads the status restart count', () => {
    const t = timeline(
      { kind: 'started', container: 'proxy', atMs: 0, source: 'status', precision: 'second' },
      {
        kind: 'restarted',
        container: 'proxy',
        atMs: 30_000,
        source: 'status',
        precision: 'second',
        restartCount: 2,
      },
    );
    expect(t).toHaveRestarted('proxy', { atLeast: 2 });
    const message = messageOf(() => expect(t).toHaveRestarted('proxy', { atLeast: 3 }));
    expect(message).toContain('proxy has restarted ≥ 3 times');
    expect(message).toContain('restartCount 2, first restart 10:00:30.000 (whole second)');
  });

  test('undecided (two starts in the same whole second) fails both the positive and the .not form', () => {
    const t = timeline(
      { kind: 'started', container: 'proxy', atMs: 200, source: 'status', precision: 'second' },
      { kind: 'started', container: 'app', atMs: 200, source: 'status', precision: 'second' },
    );
    const positive = messageOf(() => expect(t).toStartBefore('proxy', 'app'));
    const negated = messageOf(() => expect(t).not.toStartBefore('proxy', 'app'));
    for (const message of [positive, negated]) {
      expect(message).toContain('could not be decided');
      expect(message).toContain('(undecided)');
      expect(message).toContain('the times are too coarse to tell the order');
      expect(message).toContain('proxy started 10:00:00.200 (status, whole second)');
    }
    expect(positive).toMatch(/^expected: proxy starts before app/);
    expect(negated).toMatch(/^expected not: proxy starts before app/);
  });

  test('.not passes when the rule fails and fails, explained, when it holds', () => {
    const t = healthy();
    expect(t).not.toStartBefore('app', 'first-sidecar');
    expect(t).not.toHaveRestarted('app');
    expect(t).not.toStopInReverseOrder({ sidecars: ['second-sidecar', 'first-sidecar'], apps: ['app'] });
    const message = messageOf(() => expect(t).not.toRunTogether('first-sidecar', 'app'));
    expect(message).toContain('expected not: first-sidecar and app run together; but it holds');
    expect(message).toContain('first-sidecar ran 10:00:00.000 (runtime)');
  });

  test('asymmetric form inside toEqual', () => {
    const t = healthy();
    expect({ pod: t }).toEqual({ pod: expect.toStartBefore('first-sidecar', 'second-sidecar') });
    expect({ pod: t }).not.toEqual({ pod: expect.toStartBefore('app', 'first-sidecar') });
  });

  test('something without a timeline is refused by name', () => {
    expect(messageOf(() => expect(42).toStartBefore('a', 'b'))).toContain(
      'expected a Timeline or an object with a timeline',
    );
  });
});
