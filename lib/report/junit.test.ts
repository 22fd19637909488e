import { describe, expect, it } from 'vitest';
import { explainAssertion } from './explain.js';
import { swapContainers, where } from '../testing/mutate.js';
import { runSettings } from '../run/settings.js';
import { order } from '../scenarios/seed/order.js';
import { formatRecord } from '../timeline/timeline.js';
import { exampleRun } from '../testing/example-run.js';
import { toJUnitXml } from './junit.js';

function unescapeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/** Enough of a well-formedness check for our own output: balanced tags, no bare `<` or `&` in text. */
function expectWellFormed(xml: string): void {
  // eslint-disable-next-line no-control-regex -- no raw control characters may survive
  expect(xml).not.toMatch(/[\x00-\x08\x0B\x0C\x0E-\x1F]/);
  expect(xml).not.toMatch(/&(?!(amp|lt|gt|quot|#\d+);)/);
  const stack: string[] = [];
  for (const [, closing, name, selfClosing] of xml.matchAll(/<(\/?)([A-Za-z][\w.-]*)(?:\s[^<>]*?)?(\/?)>/g)) {
    if (selfClosing) continue;
    if (closing) expect(stack.pop()).toBe(name);
    else stack.push(name ?? '');
  }
  expect(stack).toEqual([]);
  // Every `<` left after removing tags and the declaration would be raw markup in text.
  expect(xml.replace(/<\?xml[^>]*\?>/, '').replace(/<\/?[A-Za-z][^<>]*>/g, '')).not.toContain('<');
}

function testcase(xml: string, name: string): string {
  const start = xml.indexOf(`name="${name}"`);
  expect(start, `test case ${name}`).toBeGreaterThan(-1);
  return xml.slice(start, xml.indexOf('</testcase>', start));
}

const run = await exampleRun();
const xml = toJUnitXml(run);

/** The failure message and the body under it, unescaped. */
function failureOf(body: string): { message: string; details: string } {
  const message = /<failure message="([^"]*)"/.exec(body)?.[1];
  const details = body.slice(body.indexOf('>', body.indexOf('<failure')) + 1, body.indexOf('</failure>'));
  return { message: unescapeXml(message ?? ''), details: unescapeXml(details) };
}

describe('toJUnitXml', () => {
  it('writes one sidecar-conformance suite with one test case per scenario', () => {
    expectWellFormed(xml);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    expect(xml).toContain(
      '<testsuite name="sidecar-conformance" tests="5" failures="1" errors="0" skipped="0"',
    );
    expect(xml.match(/<testcase /g)).toHaveLength(run.scenarios.length);
    for (const scenario of run.scenarios) {
      expect(xml).toContain(
        `<testcase classname="local kubernetes ${run.cluster.kubernetesVersion}" name="${scenario.title}" time="${(scenario.durationMs / 1000).toFixed(3)}">`,
      );
    }
  });

  it('records the cluster and the image as properties', () => {
    expect(xml).toContain(`<property name="kubernetes.version" value="${run.cluster.kubernetesVersion}"/>`);
    expect(xml).toContain('<property name="cluster.provider" value="local"/>');
    expect(xml).toContain(`<property name="image.used" value="${run.image.used}"/>`);
    expect(xml).toContain('<property name="image.substituted" value="true"/>');
  });

  it('names the broken rule in the failure message and lists it with its evidence', () => {
    const failing = run.scenarios.find((s) => s.verdict !== 'pass');
    if (!failing) throw new Error('the example run has no failing scenario');
    const broken = failing.assertions.filter((a) => a.verdict !== 'pass');
    expect(broken.map((a) => a.rule)).toEqual(['first-sidecar stops 3000–5000 ms after second-sidecar']);
    const [rule] = broken;
    const { message, details } = failureOf(testcase(xml, failing.title));
    expect(message).toBe(`${rule?.rule}: expected ${rule?.expected}, got ${rule?.actual}`);
    expect(details).toContain(explainAssertion(rule!));
    expect(details).toContain(`expected: ${rule?.expected}`);
    expect(details).toContain(`actual:   ${rule?.actual}`);
    expect(rule?.evidence.map((r) => r.container)).toEqual(['second-sidecar', 'first-sidecar']);
    for (const record of rule?.evidence ?? []) expect(details).toContain(formatRecord(record));
  });

  it('counts the further broken rules in the message and lists every one with its evidence', async () => {
    const twice = await exampleRun();
    const failing = twice.scenarios.find((s) => s.name === 'order');
    if (!failing) throw new Error('the example run has no order scenario');
    // Mutated further: the sidecars' exits swapped, so they stop in manifest order, not reverse.
    failing.timeline = swapContainers(
      failing.timeline,
      'first-sidecar',
      'second-sidecar',
      where({ kind: ['log', 'terminated'] }),
    );
    failing.assertions = order.rules(failing.timeline, failing.shape, runSettings());
    const broken = failing.assertions.filter((a) => a.verdict !== 'pass');
    expect(broken).toHaveLength(2);
    const { message, details } = failureOf(testcase(toJUnitXml(twice), failing.title));
    expect(message).toBe(
      `${broken[0]?.rule}: expected ${broken[0]?.expected}, got ${broken[0]?.actual} (and 1 more)`,
    );
    for (const [i, assertion] of broken.entries()) {
      expect(details, `rule ${i + 1}`).toContain(explainAssertion(assertion));
      expect(details).toContain(`expected: ${assertion.expected}`);
      expect(details).toContain(`actual:   ${assertion.actual}`);
      for (const record of assertion.evidence) expect(details).toContain(formatRecord(record));
    }
  });

  it('leaves passing scenarios without failure or error', () => {
    const passing = run.scenarios.filter((s) => s.verdict === 'pass');
    for (const scenario of passing) expect(testcase(xml, scenario.title)).not.toMatch(/<failure|<error/);
  });

  it('reports a scenario that could not finish as an error', async () => {
    const broken = await exampleRun();
    const [first] = broken.scenarios;
    if (!first) throw new Error('the example run has no scenarios');
    first.error = `Pod ${first.podName} in ${first.namespace} not Ready after ${runSettings().podTimeoutMs} ms`;
    first.verdict = 'fail';
    const out = toJUnitXml(broken);
    expectWellFormed(out);
    expect(out).toContain('errors="1"');
    expect(testcase(out, first.title)).toContain(`<error message="${first.error}" type="ScenarioError">`);
  });

  it('escapes markup, quotes and control characters from cluster text', async () => {
    const hostile = await exampleRun();
    const failing = hostile.scenarios.find((s) => s.verdict !== 'pass');
    const rule = failing?.assertions.find((a) => a.verdict !== 'pass');
    if (!failing || !rule) throw new Error('the example run has no broken rule');
    failing.title = `<script>alert("x")</script> & 'quoted'`;
    rule.rule = `app "exits" <before> sidecar & more`;
    rule.actual = `line1\nline2\ttab \x1b[31mred\x1b[0m nul\x00`;
    const evidence = rule.evidence[0];
    if (evidence) evidence.message = `<b>bold</b> & "q" \x07bell`;
    const out = toJUnitXml(hostile);

    expectWellFormed(out);
    expect(out).not.toContain('<script>');
    expect(out).toContain('name="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"');
    const message = /<failure message="([^"]*)"/.exec(out)?.[1] ?? '';
    expect(message).toContain('&#10;');
    expect(message).toContain('&#9;');
    expect(unescapeXml(message)).toContain(`app "exits" <before> sidecar & more: expected`);
    expect(unescapeXml(message)).toContain('line1\nline2\ttab \\x1B[31mred\\x1B[0m nul\\x00');
    expect(out).toContain('&lt;b&gt;bold&lt;/b&gt; &amp; &quot;q&quot; \\x07bell');
  });

  it('reports a scenario not applicable on this cluster as skipped, with the reason', () => {
    const reason =
      'not applicable on v1.34.4: gate RestartAllContainersOnContainerExits arrived in v1.35 (alpha)';
    const first = run.scenarios[0]!;
    const na = { ...first, assertions: [], verdict: 'not-applicable' as const, notApplicable: reason };
    const out = toJUnitXml({ ...run, scenarios: [na] });
    expectWellFormed(out);
    expect(testcase(out, first.title)).toContain(`<skipped message="${reason}"/>`);
    expect(out).toMatch(/skipped="1"/);
    expect(out).toMatch(/failures="0"/);
  });
});
