import { describe, expect, it } from 'vitest';
import { explainAssertion } from '../report/explain.js';
import { record } from '../testing/records.js';
import { Timeline } from '../timeline/timeline.js';
import { neverReportsStarted, startsAfterLine } from './gating.js';

const T = (s: string) => `2026-11-28T20:41:${s}Z`;

describe('startsAfterLine', () => {
  const up = record('log', 'sc', T('13.000'), 'log', { message: 'sc up' });

  it('orders the line and the start on the runtime clock', () => {
    const after = new Timeline([up, record('started', 'app', T('13.500'))]);
    expect(startsAfterLine(after, { container: 'sc', line: /sc up/, then: 'app' }).verdict).toBe('pass');
    const before = new Timeline([up, record('started', 'app', T('12.500'))]);
    const broken = startsAfterLine(before, { container: 'sc', line: /sc up/, then: 'app' });
    expect(broken).toMatchObject({ verdict: 'fail', rule: 'app starts after sc logs /sc up/' });
    expect(explainAssertion(broken)).toContain(
      'sc logged /sc up/ 20:41:13.000 (log), app started 20:41:12.500',
    );
  });

  it('is undecided against a whole-second start in the same second', () => {
    const coarse = new Timeline([up, record('started', 'app', T('13'), 'status')]);
    expect(startsAfterLine(coarse, { container: 'sc', line: /sc up/, then: 'app' }).verdict).toBe(
      'undecided',
    );
  });

  it('fails, saying what never came, without the line', () => {
    const result = startsAfterLine(new Timeline([record('started', 'app', T('13.500'))]), {
      container: 'sc',
      line: /sc up/,
      then: 'app',
    });
    expect(result.missing).toEqual(['a line of sc matching /sc up/']);
  });
});

describe('neverReportsStarted', () => {
  it('is an absence, broken by a started: true', () => {
    const ran = record('started', 'sc', T('10.000'));
    const never = neverReportsStarted(new Timeline([ran]), { container: 'sc' });
    expect(never).toMatchObject({ verdict: 'pass', claim: 'absence' });
    const passed = record('startup-passed', 'sc', T('12.000'), 'harness');
    expect(neverReportsStarted(new Timeline([ran, passed]), { container: 'sc' }).verdict).toBe('fail');
  });
});
