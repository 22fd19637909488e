import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, test } from 'vitest';
import { defaults } from '../lib/config.js';
import './session-context.js';

/**
 * `sidecar-conformance check` as a user runs it, on the live cluster: the seed's File 2, a Pod whose
 * three sidecars stop at different speeds (the reported gaps must follow each sidecar's delay), and
 * the examples of manifests/examples/: a Job, a Deployment and a CronJob with sidecars; a sidecar
 * image that cannot be pulled and an init container that never exits (each wait must say what
 * blocks); two sidecars whose preStop hooks outlast the grace period (the grace expiry reported).
 */
const live = inject('liveSession');
const root = resolve(import.meta.dirname, '..');

interface JsonAssertion {
  rule: string;
  verdict: 'pass' | 'fail' | 'undecided';
  actual: string;
  measurement?: { value: number; unit: string } | null;
}
interface JsonReport {
  passed: boolean;
  scenarios: {
    name: string;
    title: string;
    verdict: string;
    error: string | null;
    assertions: JsonAssertion[];
  }[];
}

/**
 * The live session's cluster as `check` is told it: the provider's cluster (local or kind) by name
 * and version (already up, so kept; the provider also gives `check` the runtime's nanosecond
 * container times, as `run` has them), or the cluster the kubeconfig names.
 */
function clusterArgs(): string[] {
  const { provider } = live.cluster;
  if (provider === 'local' || provider === 'kind') {
    const version = live.cluster.kubernetesVersion.replace(/^v/, '');
    return ['--provider', provider, '--name', live.cluster.name, '--version', version, '--keep-cluster'];
  }
  return ['--kubeconfig', live.kubeconfigPath, ...(live.context ? ['--context', live.context] : [])];
}

interface Checked {
  exitCode?: number;
  report: JsonReport;
  output: string;
  elapsedMs: number;
}

/** Runs `check FILE` against the live session's cluster; `image` defaults to what the session runs. */
async function check(manifest: string, options: { image?: string; args?: string[] } = {}): Promise<Checked> {
  const reports = await mkdtemp(join(tmpdir(), 'sc-check-'));
  const started = Date.now();
  const result = await execa(
    'node',
    [
      'bin/sidecar-conformance.js',
      'check',
      manifest,
      ...clusterArgs(),
      '--image',
      options.image ?? (live.image.substituted ? 'local' : 'reference'),
      '--reports',
      reports,
      '--no-screenshot',
      ...(options.args ?? []),
    ],
    { cwd: root, reject: false, all: true, timeout: 5 * 60_000 },
  );
  const elapsedMs = Date.now() - started;
  const report = JSON.parse(await readFile(join(reports, 'latest', 'report.json'), 'utf8')) as JsonReport;
  return { exitCode: result.exitCode, report, output: result.all ?? '', elapsedMs };
}

const assertions = (report: JsonReport) => report.scenarios[0]?.assertions ?? [];
const gap = (report: JsonReport, stopping: string) =>
  assertions(report).find((a) => a.rule.startsWith(`${stopping} stops`))?.measurement?.value;
const rule = (report: JsonReport, pattern: RegExp) => assertions(report).find((a) => pattern.test(a.rule));
/** Every rule that did not pass, for a failure message. */
const notPassed = (report: JsonReport) =>
  assertions(report)
    .filter((a) => a.verdict !== 'pass')
    .map((a) => `${a.verdict}: ${a.rule}: ${a.actual}`)
    .join('\n');

describe.concurrent('check on user Pods', () => {
  test('the seed File 2 passes and reports its two 3 s gaps', async () => {
    const { exitCode, report, output } = await check('manifests/file2-sidecar-container-order-example.yaml');
    expect(exitCode, output).toBe(0);
    expect(report.passed).toBe(true);
    for (const sidecar of ['second-sidecar', 'first-sidecar']) {
      expect(gap(report, sidecar)).toBeGreaterThanOrEqual(3000);
      expect(gap(report, sidecar)).toBeLessThan(3000 + defaults.shutdownToleranceMs);
    }
  });

  test('three sidecars with 4 s, 2 s, 1 s SIGTERM delays stop in reverse order, gaps following each delay', async () => {
    const { exitCode, report, output } = await check(
      'manifests/examples/three-sidecars-different-delays.yaml',
    );
    expect(exitCode, output).toBe(0);
    for (const [sidecar, delayMs] of [
      ['metrics', 4000],
      ['proxy', 2000],
      ['log-shipper', 1000],
    ] as const) {
      const measured = gap(report, sidecar);
      expect(measured, `${sidecar} gap`).toBeGreaterThanOrEqual(delayMs);
      expect(measured, `${sidecar} gap`).toBeLessThan(delayMs + defaults.shutdownToleranceMs);
    }
  });
});

describe.concurrent('check on any workload', () => {
  test('a Job with a sidecar: its Pod found by label, the sidecar stops after the app, the Job Complete', async () => {
    const { exitCode, report, output } = await check('manifests/examples/job-with-sidecar.yaml');
    expect(exitCode, `${output}\n${notPassed(report)}`).toBe(0);
    expect(report.scenarios[0]?.title).toMatch(/^Job job-with-sidecar: run to completion/);
    expect(rule(report, /completes \(condition Complete\)/)?.verdict).toBe('pass');
    expect(rule(report, /retries stay within backoffLimit 2/)?.actual).toMatch(/^status\.failed 0/);
    expect(rule(report, /^log-forwarder stops .* after app$/)?.verdict).toBe('pass');
    expect(rule(report, /^app starts only after log-forwarder reported started: true$/)?.verdict).toBe(
      'pass',
    );
  });

  test('a Deployment: its Pod template run as one bare Pod, and the report says so', async () => {
    const { exitCode, report, output } = await check('manifests/examples/deployment-with-sidecar.yaml');
    expect(exitCode, `${output}\n${notPassed(report)}`).toBe(0);
    expect(report.scenarios[0]?.title).toMatch(/^Deployment web: its Pod template run as one bare Pod;/);
    expect(gap(report, 'proxy')).toBeGreaterThanOrEqual(1000);
  });

  test('a CronJob: run once as a Job made from its jobTemplate; the init container completes first', async () => {
    const { exitCode, report, output } = await check('manifests/examples/cronjob-with-sidecar.yaml');
    expect(exitCode, `${output}\n${notPassed(report)}`).toBe(0);
    expect(report.scenarios[0]?.title).toMatch(
      /^CronJob nightly-report: run once as a Job made from its jobTemplate;/,
    );
    expect(rule(report, /^report starts only after init container prepare completed/)?.verdict).toBe('pass');
    expect(rule(report, /^Job nightly-report completes/)?.verdict).toBe('pass');
  });

  test('an image that cannot be pulled ends the check within 30 s, naming the container and the image', async () => {
    const { exitCode, report, output, elapsedMs } = await check(
      'manifests/examples/unpullable-sidecar-image.yaml',
      { image: 'reference' },
    );
    expect(exitCode, output).toBe(1);
    const error = report.scenarios[0]?.error ?? '';
    expect(error).toMatch(
      /^sidecar \(image localhost\/nope:1\) cannot start: (ErrImagePull|ImagePullBackOff)/,
    );
    expect(error.split('\n')).toHaveLength(1);
    // The whole command: cluster check, namespace, apply, the blocked wait, clean-up.
    expect(elapsedMs, output).toBeLessThan(30_000);
  });

  test('an init container that never exits is named as what the app waits for', async () => {
    const { exitCode, report, output } = await check('manifests/examples/init-never-exits.yaml', {
      args: ['--timeout', '15'],
    });
    expect(exitCode, output).toBe(1);
    expect(report.scenarios[0]?.error).toMatch(
      /^timed out after 15 s waiting for sidecar, app running in \S+: sidecar waits for init container setup, still running after 1\d s; app waits for init container setup, still running after 1\d s\./,
    );
  });

  test('sidecars whose preStop hooks outlast the 5 s grace period: passes, the grace expiry reported', async () => {
    const { exitCode, report, output } = await check('manifests/examples/prestop-outlasts-grace.yaml');
    expect(exitCode, `${output}\n${notPassed(report)}`).toBe(0);
    const expiry = rule(report, /stopped together when the 5 s grace period ran out$/);
    expect(expiry?.rule).toMatch(/^first-sidecar, second-sidecar stopped together/);
    expect(expiry?.actual).toMatch(
      /^the grace period ran out at .*; first-sidecar killed \(exit 137\) at .*second-sidecar killed \(exit 137\) at /,
    );
    const budget = rule(report, /^the Pod's shutdown ends within its 5 s grace period \+ 2 s/);
    expect(budget?.verdict).toBe('pass');
    expect(budget?.measurement?.value).toBeGreaterThanOrEqual(5000);
    // The two sidecars are not held to an order they were never given.
    expect(rule(report, /^first-sidecar stops/)).toBeUndefined();
  });
});
