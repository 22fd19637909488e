import type { AssertionResult } from '../assert/result.js';
import type { ClusterInfo, RunResult, ScenarioResult } from '../run/result.js';
import { formatTimeNs, parseTimeNs } from '../timeline/time.js';
import { formatSlice } from '../timeline/timeline.js';
import { escapeAttribute, escapeText } from './escape.js';

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

/** One broken rule as a reader of a CI log wants it: the sentence, the bounds, what was seen, the records. */
export function describeBrokenRule(assertion: AssertionResult, index: number, total: number): string {
  const evidence = assertion.evidence.length > 0 ? formatSlice(assertion.evidence) : '    (no records)';
  return [
    `Broken rule ${index + 1} of ${total}: ${assertion.rule}`,
    `  expected: ${assertion.expected}`,
    `  actual:   ${assertion.actual}`,
    `  evidence:`,
    evidence,
  ].join('\n');
}

function brokenRules(scenario: ScenarioResult): AssertionResult[] {
  return scenario.assertions.filter((a) => !a.passed);
}

function failureMessage(broken: AssertionResult[]): string {
  const [first] = broken;
  if (!first) return 'scenario failed without a broken rule';
  const more =
    broken.length > 1 ? ` (and ${broken.length - 1} more broken rule${broken.length > 2 ? 's' : ''})` : '';
  return `${first.rule}: expected ${first.expected}, got ${first.actual}${more}`;
}

function outcome(scenario: ScenarioResult): string {
  const broken = brokenRules(scenario);
  const details = broken.map((a, i) => describeBrokenRule(a, i, broken.length)).join('\n\n');
  if (scenario.error !== undefined) {
    const body = details ? `${scenario.error}\n\n${details}` : scenario.error;
    return `      <error${attributes({ message: scenario.error, type: 'ScenarioError' })}>${escapeText(body)}</error>\n`;
  }
  if (scenario.passed) return '';
  const message = failureMessage(broken);
  return `      <failure${attributes({ message, type: 'BrokenRule' })}>${escapeText(details || message)}</failure>\n`;
}

function testcase(scenario: ScenarioResult, classname: string): string {
  const timeline = formatSlice(scenario.timeline.records);
  return [
    `    <testcase${attributes({ classname, name: scenario.title, time: seconds(scenario.durationMs) })}>\n`,
    outcome(scenario),
    `      <system-out>${escapeText(`namespace ${scenario.namespace}, pod ${scenario.podName}\n${timeline}`)}</system-out>\n`,
    `    </testcase>\n`,
  ].join('');
}

/** The run as JUnit XML: one test suite, one test case per scenario. */
export function toJUnitXml(run: RunResult): string {
  const classname = clusterLabel(run.cluster);
  const failures = run.scenarios.filter((s) => !s.passed && s.error === undefined).length;
  const errors = run.scenarios.filter((s) => s.error !== undefined).length;
  const counts = {
    tests: run.scenarios.length,
    failures,
    errors,
    skipped: 0,
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
  };
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
