import { describe, expect, it } from 'vitest';
import { lineOf } from '../../testing/lines.js';
import { addRecord, dropRecords, endNs, shiftRecords, where } from '../../testing/mutate.js';
import {
  checkScenario,
  expectBroken,
  moveRecord,
  recordedRun,
  rulesWith,
  seconds,
  startRecord,
} from '../../testing/scenario-check.js';
import { RESTARTS, RESTARTS_WITHIN_MS, startupFailPrestopBlocks } from './startup-fail-prestop-blocks.js';

const { fixture, timeline } = await recordedRun('startup-fail-prestop-blocks');
const check = (t = timeline) => checkScenario(startupFailPrestopBlocks, fixture, t);
const SIDECAR = 'restartable-init-1';
const at = (ns: bigint) => ({ ns: ns + 1_000_000n });

describe('startup-fail-prestop-blocks (upstream C8)', () => {
  it('passes every rule on the recorded run', () => {
    expect(rulesWith(check(), 'fail')).toEqual([]);
    expect(rulesWith(check(), 'undecided')).toEqual([]);
  });

  it('fails when the second restart comes three minutes late', () => {
    const late = shiftRecords(
      timeline,
      (r) =>
        r.container === SIDECAR &&
        (r.kind === 'started' || r.kind === 'restarted') &&
        (r.restartCount ?? 0) >= RESTARTS,
      seconds(180),
    );
    const rule = `${SIDECAR} has restarted ≥ ${RESTARTS} times within ${RESTARTS_WITHIN_MS} ms of the Pod being applied`;
    expect(rulesWith(check(late))).toEqual([rule]);
    expect(expectBroken(check(late), rule, [SIDECAR]).measurement?.value).toBeGreaterThan(RESTARTS_WITHIN_MS);
  });

  it('fails when the kubelet never says the startup probe failed', () => {
    const results = check(dropRecords(timeline, where({ kind: 'killing', container: SIDECAR })));
    const rule = `a Killing event names ${SIDECAR} with a message matching /failed startup probe/`;
    expect(rulesWith(results)).toEqual([rule]);
    expectBroken(results, rule, [SIDECAR]);
  });

  it('fails when SIGTERM comes while the preStop hook still runs', () => {
    const end = lineOf(timeline, SIDECAR, /preStop end/, 'first', 0);
    const sigterm = lineOf(timeline, SIDECAR, /got SIGTERM/, 'first', 0);
    const early = moveRecord(timeline, sigterm, end.ns - 1_000_000n);
    const rule = `${SIDECAR}'s preStop hook ends before ${SIDECAR} handles SIGTERM, in ≥ ${RESTARTS} stopped instances`;
    expect(rulesWith(check(early))).toEqual([rule]);
    expect(expectBroken(check(early), rule, [SIDECAR]).actual).toMatch(/while the hook .* had not ended/);
  });

  it('fails when the sidecar reports started', () => {
    const started = addRecord(timeline, {
      source: 'status',
      kind: 'startup-passed',
      container: SIDECAR,
      ...at(startRecord(timeline, SIDECAR).ns),
    });
    const rule = `${SIDECAR} never reports started: true`;
    expect(rulesWith(check(started))).toEqual([rule]);
    expectBroken(check(started), rule, [SIDECAR]);
  });

  it('fails when the app starts', () => {
    const started = addRecord(timeline, {
      source: 'runtime',
      kind: 'started',
      container: 'regular-1',
      precision: 'exact',
      ...at(endNs(timeline)),
    });
    expect(rulesWith(check(started))).toEqual(['regular-1 never starts']);
    expectBroken(check(started), 'regular-1 never starts', ['regular-1']);
  });

  it('fails when the Pod leaves Pending', () => {
    const running = addRecord(timeline, {
      source: 'status',
      kind: 'pod-phase',
      reason: 'Running',
      ...at(endNs(timeline)),
    });
    expect(rulesWith(check(running))).toEqual(['Pod stays Pending']);
    expectBroken(check(running), 'Pod stays Pending', ['Pending', 'Running']);
  });
});
