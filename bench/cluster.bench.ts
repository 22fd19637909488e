/**
 * Measures the local provider: cold build time per binary (--cold: a fresh Go build cache and bin
 * cache in a temp dir; modules come from the shared module cache), warm `up` time to node Ready and
 * `down` time (--runs N). Prints figures; asserts nothing.
 *
 *   npm run bench                 # warm up/down, 3 runs
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
  },
});
const version = `v${values.version.replace(/^v/, '')}`;
const log = (line: string) => process.stderr.write(`  ${line}\n`);

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

const provider = new LocalProvider({ name: 'sc-bench', kubernetesVersion: version.slice(1) });
const runs = Number(values.runs);
console.log(`warm up/down of a local cluster (Kubernetes ${version}, binaries cached), ${runs} runs`);
const ups: number[] = [];
const downs: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    let started = performance.now();
    await provider.up({ onProgress: log });
    ups.push((performance.now() - started) / 1000);
    started = performance.now();
    await provider.down({ onProgress: log });
    downs.push((performance.now() - started) / 1000);
    console.log(
      `  run ${i + 1}: up to node Ready ${ups.at(-1)?.toFixed(1)} s, down ${downs.at(-1)?.toFixed(1)} s`,
    );
  }
} finally {
  await provider.down().catch(() => undefined);
}
const stats = (xs: number[]) =>
  `min ${Math.min(...xs).toFixed(1)} s, median ${[...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]?.toFixed(1)} s, max ${Math.max(...xs).toFixed(1)} s`;
console.log(`up:   ${stats(ups)}`);
console.log(`down: ${stats(downs)}`);
