import type { AssertionResult } from '../assert/result.js';
import type { ClusterInfo, RunResult, ScenarioResult } from '../run/result.js';
import { formatTimeNs, parseTimeNs } from '../timeline/time.js';
import { formatSlice } from '../timeline/timeline.js';
import { escapeAttribute, escapeText } from './escape.js';
import { explainAssertion, notPassed } from './explain.js';

export const SUITE_NAME = 'sidecar-conformance';

/** `local kubernetes v1.37.2`: which cluster a test case ran on, so results from several versions sort apart. */
export function clusterLabel(cluster: ClusterInfo): string {
  const version = cluster.kubernetesVersion.startsWith('v')
    ? cluster.kubernetesVersion
    : `v${cluster.kubernetesVersion}`;
  return `${cluster.provider} kubernetes ${version}`;
}

const seconds = (ms: number): string => (ms / 1000).toFixed(3);

/** JUnit's schema wants `2026-03-14T23:47:30`: UTC without zone or fraction. */
function junitTimestamp(time: string): string {
  try {
    return formatTimeNs(parseTimeNs(time)).slice(0, 19);
  } catch {
    return time;
  }
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join('');
}

function failureMessage(broken: AssertionResult[], word: string): string {
  const [first] = broken;
  if (!first) return `scenario ${word} without a rule that says why`;
  const more = broken.length > 1 ? ` (and ${broken.length - 1} more)` : '';
  return `${first.rule}: expected ${first.expected}, got ${first.actual}${more}`;
}

/**
 * A broken rule is a <failure>, a scenario that could not run to the end an <error>; an undecided
 * scenario (no rule broke, some could not tell) is <skipped> with a message starting "undecided:",
 * so CI views show it apart from both.
 */
function outcome(scenario: ScenarioResult): string {
  const broken = notPassed(scenario);
  const details = broken.map(explainAssertion).join('\n\n');
  if (scenario.error !== undefined) {
    const body = details ? `${scenario.error}\n\n${details}` : scenario.error;
    return `      <error${attributes({ message: scenario.error, type: 'ScenarioError' })}>${escapeText(body)}</error>\n`;
  }
  if (scenario.verdict === 'pass') return '';
  if (scenario.verdict === 'not-applicable') {
    return `      <skipped${attributes({ message: scenario.notApplicable ?? 'not applicable' })}/>\n`;
  }
  if (scenario.verdict === 'undecided') {
    const message = `undecided: ${failureMessage(broken, 'undecided')}`;
    return `      <skipped${attributes({ message })}>${escapeText(details)}</skipped>\n`;
  }
  const failedRules = broken.filter((a) => a.verdict === 'fail');
  const message = failureMessage(failedRules, 'failed');
  return `      <failure${attributes({ message, type: 'BrokenRule' })}>${escapeText(details || message)}</failure>\n`;
}

/** Where the harness was blind, one line each, before the timeline. */
function blind(scenario: ScenarioResult): string {
  return scenario.timeline.gaps
    .map(
      (gap) => `blind ${formatTimeNs(gap.fromNs)} → ${formatTimeNs(gap.toNs)}: ${gap.stream}, ${gap.why}\n`,
    )
    .join('');
}

function testcase(scenario: ScenarioResult, classname: string): string {
  const timeline = formatSlice(scenario.timeline.records);
  return [
    `    <testcase${attributes({ classname, name: scenario.title, time: seconds(scenario.durationMs) })}>\n`,
    outcome(scenario),
    `      <system-out>${escapeText(`namespace ${scenario.namespace}, pod ${scenario.podName}\n${blind(scenario)}${timeline}`)}</system-out>\n`,
    `    </testcase>\n`,
  ].join('');
}

/** The run as JUnit XML: one test suite, one test case per scenario. */
export function toJUnitXml(run: RunResult): string {
  const classname = clusterLabel(run.cluster);
  const failures = run.scenarios.filter((s) => s.verdict === 'fail' && s.error === undefined).length;
  const errors = run.scenarios.filter((s) => s.error !== undefined).length;
  const counts = {
    tests: run.scenarios.length,
    failures,
    errors,
    skipped: run.scenarios.filter((s) => s.verdict === 'undecided' || s.verdict === 'not-applicable').length,
    time: seconds(run.durationMs),
  };
  const properties: Record<string, string> = {
    'run.id': run.runId,
    'kubernetes.version': run.cluster.kubernetesVersion,
    'cluster.provider': run.cluster.provider,
    'cluster.name': run.cluster.name,
    'image.reference': run.image.reference,
    'image.used': run.image.used,
    'image.substituted': String(run.image.substituted),
    'shutdown.toleranceMs': String(run.toleranceMs),
    'container.times': run.cluster.runtimeTimes,
  };
  if (run.faults?.length) properties.faults = run.faults.map((f) => `${f.fault}: ${f.what}`).join('; ');
  if (run.cluster.kubeletVersion) properties['kubelet.version'] = run.cluster.kubeletVersion;
  if (run.cluster.containerRuntimeVersion)
    properties['runtime.version'] = run.cluster.containerRuntimeVersion;

  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<testsuites${attributes({ name: SUITE_NAME, ...counts })}>\n`,
    `  <testsuite${attributes({ name: SUITE_NAME, ...counts, timestamp: junitTimestamp(run.startedAt) })}>\n`,
    '    <properties>\n',
    ...Object.entries(properties).map(([name, value]) => `      <property${attributes({ name, value })}/>\n`),
    '    </properties>\n',
    ...run.scenarios.map((scenario) => testcase(scenario, classname)),
    '  </testsuite>\n',
    '</testsuites>\n',
  ].join('');
}
