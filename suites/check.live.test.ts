import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, test } from 'vitest';
import { defaults } from '../lib/config.js';
import './session-context.js';

/**
 * `sidecar-conformance check` as a user runs it, on the live cluster: the seed's File 2 and a Pod
 * whose three sidecars stop at different speeds. The reported gaps must follow each sidecar's delay.
 */
const live = inject('liveSession');
const root = resolve(import.meta.dirname, '..');

interface JsonAssertion {
  rule: string;
  passed: boolean;
  measurement?: { value: number; unit: string } | null;
}
interface JsonReport {
  passed: boolean;
  scenarios: { assertions: JsonAssertion[] }[];
}

async function check(manifest: string): Promise<{ exitCode?: number; report: JsonReport; output: string }> {
  const reports = await mkdtemp(join(tmpdir(), 'sc-check-'));
  const result = await execa(
    'node',
    [
      'bin/sidecar-conformance.js',
      'check',
      manifest,
      '--kubeconfig',
      live.kubeconfigPath,
      ...(live.context ? ['--context', live.context] : []),
      '--image',
      live.image.substituted ? 'local' : 'reference',
      '--reports',
      reports,
      '--no-screenshot',
    ],
    { cwd: root, reject: false, all: true, timeout: 5 * 60_000 },
  );
  const report = JSON.parse(await readFile(join(reports, 'latest', 'report.json'), 'utf8')) as JsonReport;
  return { exitCode: result.exitCode, report, output: result.all ?? '' };
}

const gap = (report: JsonReport, stopping: string) =>
  report.scenarios[0]?.assertions.find((a) => a.rule.startsWith(`${stopping} stops`))?.measurement?.value;

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
