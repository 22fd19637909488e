import type { Verdict } from '../assert/result.js';
import type { JsonReport } from './json.js';

/**
 * What changed between two runs' report.json (the previous night and tonight, or two Kubernetes
 * versions): verdicts that changed, and measurements that moved beyond their noise band.
 *
 * The band for a time in ms is max(floor, share × the earlier value). The defaults come from a
 * 22-run soak on this 2-core machine (README, "Measured"): between two runs of one version the gap
 * after an app exits by itself moved by up to ~1.1 s (p95−p5 871 ms), the first liveness kill at
 * ~28.5 s by up to 1.6 s; the gaps the kubelet drives itself by under 0.2 s. A count's band is 0 by default: any change is shown,
 * but counts of probe Events vary with timing and never make a regression on their own.
 */
export interface NoiseBand {
  floorMs: number;
  share: number;
  count: number;
}

export const DEFAULT_BAND: NoiseBand = { floorMs: 1200, share: 0.05, count: 0 };

export type VerdictChange = {
  scenario: string;
  rule: string;
  from: Verdict | 'absent';
  to: Verdict | 'absent';
  /** pass → fail (or the scenario no longer passing): exit 1. */
  regression: boolean;
};

export interface MeasurementMove {
  scenario: string;
  rule: string;
  unit: 'ms' | 'count';
  from: number;
  to: number;
  band: number;
}

export interface ReportDiff {
  from: { runId: string; kubernetesVersion: string };
  to: { runId: string; kubernetesVersion: string };
  verdicts: VerdictChange[];
  moved: MeasurementMove[];
  /** Scenarios only one of the two runs ran (`--only`, a new scenario): not compared. */
  onlyIn: { scenario: string; run: 'before' | 'after' }[];
  /** Rules compared (present in both), for "nothing changed across N rules". */
  compared: number;
  regressions: number;
}

type Rules = Map<string, { verdict: Verdict; measurement?: { value: number; unit: 'ms' | 'count' } }>;

/** scenario → rule → what was decided; a repeated sentence gets ` #2` as in the measurement map. */
function rulesOf(report: JsonReport): Map<string, Rules> {
  const scenarios = new Map<string, Rules>();
  for (const scenario of report.scenarios) {
    const rules: Rules = new Map();
    for (const assertion of scenario.assertions) {
      let key = assertion.rule;
      for (let n = 2; rules.has(key); n++) key = `${assertion.rule} #${n}`;
      // Schema 1 reports carry `passed` only.
      const verdict: Verdict = assertion.verdict ?? (assertion.passed ? 'pass' : 'fail');
      rules.set(key, {
        verdict,
        ...(assertion.measurement
          ? { measurement: { value: assertion.measurement.value, unit: assertion.measurement.unit } }
          : {}),
      });
    }
    scenarios.set(scenario.name, rules);
  }
  return scenarios;
}

export function bandFor(unit: 'ms' | 'count', from: number, band: NoiseBand): number {
  return unit === 'ms' ? Math.max(band.floorMs, Math.abs(from) * band.share) : band.count;
}

export function diffReports(a: JsonReport, b: JsonReport, band: NoiseBand = DEFAULT_BAND): ReportDiff {
  const before = rulesOf(a);
  const after = rulesOf(b);
  const verdicts: VerdictChange[] = [];
  const moved: MeasurementMove[] = [];
  const onlyIn: ReportDiff['onlyIn'] = [];
  let compared = 0;
  for (const scenario of new Set([...before.keys(), ...after.keys()])) {
    const ra = before.get(scenario);
    const rb = after.get(scenario);
    if (!ra || !rb) {
      onlyIn.push({ scenario, run: ra ? 'before' : 'after' });
      continue;
    }
    for (const rule of new Set([...ra.keys(), ...rb.keys()])) {
      const x = ra.get(rule);
      const y = rb.get(rule);
      if (x && y) compared++;
      const from = x?.verdict ?? 'absent';
      const to = y?.verdict ?? 'absent';
      if (from !== to)
        verdicts.push({ scenario, rule, from, to, regression: from === 'pass' && to === 'fail' });
      const mx = x?.measurement;
      const my = y?.measurement;
      if (mx && my && mx.unit === my.unit) {
        const width = bandFor(mx.unit, mx.value, band);
        if (Math.abs(my.value - mx.value) > width)
          moved.push({ scenario, rule, unit: mx.unit, from: mx.value, to: my.value, band: width });
      }
    }
  }
  return {
    from: { runId: a.runId, kubernetesVersion: a.kubernetesVersion },
    to: { runId: b.runId, kubernetesVersion: b.kubernetesVersion },
    verdicts,
    moved,
    onlyIn,
    compared,
    regressions: verdicts.filter((v) => v.regression).length,
  };
}

const figure = (value: number, unit: 'ms' | 'count') => (unit === 'ms' ? `${value} ms` : String(value));

/** The diff for people: one line per change, then a count. */
export function describeDiff(diff: ReportDiff): string {
  const lines = [
    `${diff.from.kubernetesVersion} (${diff.from.runId}) → ${diff.to.kubernetesVersion} (${diff.to.runId}): ${diff.compared} rules compared`,
  ];
  for (const { scenario, run } of diff.onlyIn)
    lines.push(`not compared ${scenario}: only the ${run} run has it`);
  for (const v of diff.verdicts)
    lines.push(`${v.regression ? 'REGRESSION' : 'changed   '} ${v.scenario}: ${v.rule}: ${v.from} → ${v.to}`);
  for (const m of diff.moved)
    lines.push(
      `moved      ${m.scenario}: ${m.rule}: ${figure(m.from, m.unit)} → ${figure(m.to, m.unit)} (band ±${figure(Math.round(m.band), m.unit)})`,
    );
  if (!diff.verdicts.length && !diff.moved.length)
    lines.push('no verdict changed and no measurement moved beyond its band');
  lines.push(`${diff.regressions} regression${diff.regressions === 1 ? '' : 's'}`);
  return lines.join('\n');
}
