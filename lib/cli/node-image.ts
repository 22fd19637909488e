import { cacheDir, defaults } from '../config.js';
import { buildNodeImage } from '../cluster/kind/node-image/build.js';
import { latestKubernetesVersion } from '../cluster/local/build.js';
import { parseKubernetesVersion } from '../cluster/providers.js';
import { ExitCode, usageError } from '../errors.js';
import { parseFlags } from './flags.js';
import { progressPrinter } from './progress.js';

export async function nodeImageCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseFlags('node-image', args, {
    version: { type: 'string' },
    force: { type: 'boolean' },
  });
  const [action, ...extra] = positionals;
  if (action !== 'build' || extra.length)
    throw usageError('node-image needs the action build (see `sidecar-conformance node-image --help`).');
  const progress = progressPrinter();
  const version =
    values.version === 'latest'
      ? await latestKubernetesVersion(progress)
      : parseKubernetesVersion(values.version ?? defaults.kubernetesVersion);
  const result = await buildNodeImage({
    kubernetesVersion: version,
    cacheRoot: cacheDir(),
    onProgress: progress,
    signal,
    force: Boolean(values.force),
  });
  const how = { cached: 'already in docker', reimported: 'imported from the cached rootfs', built: 'built' }[
    result.how
  ];
  const steps = Object.entries(result.steps)
    .map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`)
    .join(', ');
  progress(`${how} in ${result.seconds.toFixed(0)} s (${steps})`);
  process.stdout.write(`${result.image}\n`);
  return ExitCode.ok;
}
