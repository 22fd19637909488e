import { installPackages } from '../cluster/local/setup.js';
import { cacheDir, defaults } from '../config.js';
import { ensureBinaries } from '../cluster/local/binaries.js';
import { latestKubernetesVersion } from '../cluster/local/build.js';
import { ExitCode } from '../errors.js';
import { parseFlags } from './flags.js';
import { parseKubernetesVersion } from '../cluster/providers.js';
import { progressPrinter } from './progress.js';

export async function setupCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags('setup', args, { build: { type: 'boolean' }, version: { type: 'string' } });
  const progress = progressPrinter();
  const installed = await installPackages(progress);
  progress(installed.length ? `installed ${installed.join(', ')}` : 'Debian packages: all present');
  if (values.build) {
    const binaries = await ensureBinaries(
      {
        kubernetes:
          values.version === 'latest'
            ? await latestKubernetesVersion(progress)
            : parseKubernetesVersion(values.version ?? defaults.kubernetesVersion),
        etcd: defaults.etcdVersion,
        containerd: defaults.containerdVersion,
      },
      cacheDir(),
      progress,
      signal,
    );
    const built = Object.entries(binaries.built);
    progress(
      built.length
        ? `built ${built.map(([b, s]) => `${b} ${s.toFixed(0)} s`).join(', ')}`
        : 'binaries: all cached',
    );
    for (const line of binaries.substitutions ?? []) progress(`built with a substitute module: ${line}`);
  }
  return ExitCode.ok;
}
