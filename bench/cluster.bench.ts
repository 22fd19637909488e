/**
 * Measures the local provider: cold build time per binary (--cold: a fresh Go build cache and bin
 * cache in a temp dir; modules come from the shared module cache), warm `up` time to node Ready and
 * `down` time (--runs N), then two clusters brought up at once and taken down at once (--pair;
 * --no-pair leaves it out). Each step's progress line carries its time since the step began
 * (--timeline prints them). Prints figures; asserts nothing. Other local clusters (the default one
 * among them) keep running: the bench uses its own names.
 *
 *   npm run bench                 # warm up/down, 3 runs, then two at once
 *   npm run bench -- --cold       # also cold builds (about 15-20 min on 2 cores)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  containerdSpec,
  ensureComponent,
  etcdSpec,
  kubernetesSpec,
  releaseDate,
} from '../lib/cluster/local/build.js';
import { LocalProvider } from '../lib/cluster/local/local.js';
import { defaults } from '../lib/config.js';

const { values } = parseArgs({
  options: {
    cold: { type: 'boolean' },
    runs: { type: 'string', default: '3' },
    version: { type: 'string', default: defaults.kubernetesVersion },
    name: { type: 'string', default: 'sc-bench' },
    pair: { type: 'boolean', default: true },
    timeline: { type: 'boolean', default: false },
  },
  allowNegative: true,
});
const version = `v${values.version.replace(/^v/, '')}`;
let stepStart = performance.now();
/** When the last step's node turned Ready (its progress line), in seconds since the step began. */
let readyAt: number | undefined;
const log = (line: string) => {
  if (/ is Ready$/.test(line)) readyAt = (performance.now() - stepStart) / 1000;
  if (values.timeline) {
    process.stderr.write(`  ${((performance.now() - stepStart) / 1000).toFixed(2).padStart(6)} s  ${line}\n`);
  }
};
const step = () => (stepStart = performance.now());

if (values.cold) {
  const scratch = await mkdtemp(join(tmpdir(), 'sc-bench-cold-'));
  process.env.GOCACHE = join(scratch, 'go-build');
  console.log(
    `cold builds (GOCACHE=${process.env.GOCACHE}, ${(await import('node:os')).cpus().length} cores)`,
  );
  try {
    const specs = [
      kubernetesSpec(version, await releaseDate('k8s.io/kubernetes', version)),
      etcdSpec(defaults.etcdVersion),
      containerdSpec(defaults.containerdVersion),
    ];
    for (const spec of specs) {
      const { built } = await ensureComponent(spec, { cacheRoot: scratch, onProgress: log });
      for (const [binary, seconds] of Object.entries(built)) {
        console.log(`  ${spec.name} ${spec.version} ${binary.padEnd(26)} ${seconds.toFixed(1)} s`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

const kubernetesVersion = version.slice(1);
const provider = new LocalProvider({ name: values.name, kubernetesVersion });
const runs = Number(values.runs);
console.log(`warm up/down of a local cluster (Kubernetes ${version}, binaries cached), ${runs} runs`);
const ups: number[] = [];
const readies: number[] = [];
const downs: number[] = [];
const seconds = (since: number) => (performance.now() - since) / 1000;
try {
  // The first up of a name makes its certificates and slot: not a warm up, not counted.
  step();
  await provider.up({ onProgress: log });
  step();
  await provider.down({ onProgress: log });
  for (let i = 0; i < runs; i++) {
    let started = step();
    readyAt = undefined;
    await provider.up({ onProgress: log });
    ups.push(seconds(started));
    if (readyAt !== undefined) readies.push(readyAt);
    started = step();
    await provider.down({ onProgress: log });
    downs.push(seconds(started));
    console.log(
      `  run ${i + 1}: node Ready ${readies.at(-1)?.toFixed(1) ?? '?'} s, up returned ${ups.at(-1)?.toFixed(1)} s (after the default ServiceAccount), down ${downs.at(-1)?.toFixed(1)} s`,
    );
  }
} finally {
  await provider.down().catch(() => undefined);
}
const stats = (xs: number[]) =>
  `min ${Math.min(...xs).toFixed(1)} s, median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(1)} s, max ${Math.max(...xs).toFixed(1)} s`;
if (readies.length) console.log(`node Ready: ${stats(readies)}`);
console.log(`up:   ${stats(ups)}`);
console.log(`down: ${stats(downs)}`);

if (values.pair) {
  const pair = [provider, new LocalProvider({ name: `${values.name}-2`, kubernetesVersion })];
  try {
    // Warm the second name too (certificates, slot), then both at once.
    step();
    await pair[1]!.up({ onProgress: log });
    await pair[1]!.down({ onProgress: log });
    let started = step();
    const each = await Promise.all(
      pair.map(async (p) => {
        await p.up({ onProgress: (line) => log(`${p.clusterName}: ${line}`) });
        return seconds(started);
      }),
    );
    const both = seconds(started);
    started = step();
    await Promise.all(pair.map((p) => p.down({ onProgress: (line) => log(`${p.clusterName}: ${line}`) })));
    console.log(
      `two clusters at once: both up (to the default ServiceAccount) ${both.toFixed(1)} s (${pair.map((p, i) => `${p.clusterName} ${each[i]!.toFixed(1)} s`).join(', ')}), both down ${seconds(started).toFixed(1)} s`,
    );
  } finally {
    await Promise.all(pair.map((p) => p.down().catch(() => undefined)));
  }
}
