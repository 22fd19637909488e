import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import type { TimelineRecord } from '../timeline/record.js';
import { Timeline } from '../timeline/timeline.js';
import { goneWithin } from './deletion.js';

const T = (s: string) => `2026-11-28T20:41:${s}Z`;
const harness = (kind: TimelineRecord['kind'], at: string): TimelineRecord => {
  const { container: _container, ...pod } = record(kind, '', T(at), 'harness');
  return { ...pod, precision: 'observed' };
};

describe('goneWithin', () => {
  it('measures from the delete request to the Pod gone, on the harness clock', () => {
    const timeline = new Timeline([harness('delete-requested', '10.000'), harness('pod-gone', '12.250')]);
    const result = goneWithin(timeline, { withinMs: 6000, basis: 'grace 3 s + 3 s' });
    expect(result).toMatchObject({
      verdict: 'pass',
      rule: 'the Pod is gone within 6000 ms of the delete request (grace 3 s + 3 s)',
      measurement: { value: 2250, unit: 'ms', max: 6000 },
    });
    const slow = goneWithin(timeline, { withinMs: 2000 });
    expect(slow.verdict).toBe('fail');
    expect(explainAssertion(slow)).toContain('2250 ms (delete requested 20:41:10.000');
  });

  it('fails, saying what never came, when the Pod was never seen gone', () => {
    const result = goneWithin(new Timeline([harness('delete-requested', '10.000')]), { withinMs: 6000 });
    expect(result).toMatchObject({ verdict: 'fail', missing: ["the Pod's deletion"] });
  });
});
