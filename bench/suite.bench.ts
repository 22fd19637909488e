/**
 * Issue 8's benchmark: every non-disruptive scenario of a suite at once (or N at a time), each in its
 * own namespace, on the running local cluster (or --kubeconfig). Prints the suite's wall time over
 * its longest scenario, the harness's peak RSS while they all run, what each cluster component
 * spent in CPU meanwhile, and every scenario that did not pass. Asserts nothing.
 *
 *   npm run bench:suite                          # all non-disruptive scenarios at once
 *   npm run bench:suite -- --concurrency 6       # six at a time, as `run` does
 *   npm run bench:suite -- --suite seed
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { providerFor } from '../lib/cluster/providers.js';
import { LOCAL_COMPONENTS, layoutFor } from '../lib/cluster/local/configs.js';
import { clusterDir, defaults } from '../lib/config.js';
import { runScenarios } from '../lib/run/conformance.js';
import { openSession } from '../lib/run/session.js';
import { runSettings } from '../lib/run/settings.js';
import { selectScenarios } from '../lib/scenarios/registry.js';
import { runningPid } from '../lib/cluster/local/processes.js';

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: 'all' },
    concurrency: { type: 'string' },
    kubeconfig: { type: 'string' },
    name: { type: 'string', default: defaults.clusterName },
  },
});
const scenarios = selectScenarios({ suite: values.suite }).filter((s) => !s.disruptive);
const concurrency = values.concurrency ? Number(values.concurrency) : scenarios.length;
const root = resolve(import.meta.dirname, '..');
const quiet = () => {};

/** utime + stime of a process, in seconds (clock ticks of 100 Hz). */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / 100;
}

const layout = layoutFor(clusterDir(values.name));
async function componentCpu(): Promise<Map<string, number>> {
  const spent = new Map<string, number>();
  for (const component of LOCAL_COMPONENTS) {
    const pid = await runningPid(layout.pidFiles[component]);
    if (pid) spent.set(component, await cpuSeconds(pid));
  }
  return spent;
}

const session = await openSession(
  values.kubeconfig
    ? { kubeconfig: values.kubeconfig }
    : { provider: providerFor({ name: values.name }), keepCluster: true },
  quiet,
);
let peakRssMb = 0;
let peakHeapMb = 0;
const sampler = setInterval(() => {
  const memory = process.memoryUsage();
  peakRssMb = Math.max(peakRssMb, memory.rss / 2 ** 20);
  peakHeapMb = Math.max(peakHeapMb, memory.heapUsed / 2 ** 20);
}, 200);
const baselineRssMb = process.memoryUsage.rss() / 2 ** 20;
const before = await componentCpu();
const harnessBefore = process.cpuUsage();
const t0 = performance.now();
try {
  const run = await runScenarios(session, scenarios, runSettings({}), {
    root,
    signal: new AbortController().signal,
    progress: quiet,
    concurrency,
  });
  const wallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  const after = await componentCpu();
  const harness = process.cpuUsage(harnessBefore);
  const longest = run.scenarios.reduce((a, b) => (b.durationMs > a.durationMs ? b : a));
  const count = (verdict: string) => run.scenarios.filter((s) => s.verdict === verdict).length;
  console.log(
    `${scenarios.length} scenarios (suite ${values.suite}, disruptive ones left out), ${concurrency} at a time, Kubernetes ${session.cluster.kubernetesVersion}`,
  );
  console.log(`  wall time            ${wallS.toFixed(1)} s`);
  console.log(`  longest scenario     ${(longest.durationMs / 1000).toFixed(1)} s (${longest.name})`);
  console.log(`  wall / longest       ${(wallS / (longest.durationMs / 1000)).toFixed(2)}   (goal ≤ 1.2)`);
  console.log(
    `  harness peak RSS     ${peakRssMb.toFixed(0)} MB (sampled every 200 ms; maxRSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB)   (goal ≤ 300 MB)`,
  );
  console.log(
    `  harness heap         peak ${peakHeapMb.toFixed(0)} MB used; RSS before the scenarios ${baselineRssMb.toFixed(0)} MB`,
  );
  console.log(`  harness CPU          ${((harness.user + harness.system) / 1e6).toFixed(1)} s`);
  for (const [component, seconds] of after) {
    console.log(`  ${component.padEnd(24)} CPU ${(seconds - (before.get(component) ?? 0)).toFixed(1)} s`);
  }
  console.log(
    `  verdicts             ${count('pass')} pass, ${count('fail')} fail, ${count('undecided')} undecided, ${count('not-applicable')} not applicable`,
  );
  for (const s of run.scenarios.filter((s) => s.verdict === 'fail' || s.verdict === 'undecided')) {
    const rules = s.assertions.filter((a) => a.verdict !== 'pass').map((a) => a.rule);
    console.log(`    ${s.verdict.padEnd(9)} ${s.name}: ${s.error ?? rules.join('; ')}`);
  }
} finally {
  clearInterval(sampler);
  await session.close();
}
