import { installPackages } from '../cluster/local/setup.js';
import { cacheDir, defaults } from '../config.js';
import { ensureBinaries } from '../cluster/local/binaries.js';
import { latestKubernetesVersion } from '../cluster/local/build.js';
import { ensureKind } from '../cluster/kind/binary.js';
import { KIND_DEBIAN_PACKAGES, ensureDockerd, undoDockerHost } from '../cluster/kind/host.js';
import { ExitCode, usageError } from '../errors.js';
import { parseFlags } from './flags.js';
import { parseKubernetesVersion } from '../cluster/providers.js';
import { progressPrinter, type Progress } from './progress.js';

export async function setupCommand(args: string[], signal: AbortSignal): Promise<number> {
  const { values } = parseFlags('setup', args, {
    build: { type: 'boolean' },
    version: { type: 'string' },
    kind: { type: 'boolean' },
    undo: { type: 'boolean' },
  });
  const progress = progressPrinter();
  if (values.undo && !values.kind) throw usageError('--undo only goes with --kind (`setup --kind --undo`).');
  if (values.kind) return values.undo ? undoKindHost(progress, signal) : setupKindHost(progress, signal);
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

/** The host half of kind here: docker.io and friends, the runc wrapper, dockerd, and the kind binary. */
async function setupKindHost(progress: Progress, signal: AbortSignal): Promise<number> {
  const installed = await installPackages(progress, KIND_DEBIAN_PACKAGES);
  progress(installed.length ? `installed ${installed.join(', ')}` : 'Debian packages for kind: all present');
  const docker = await ensureDockerd(progress, { signal });
  const kind = await ensureKind(progress, { signal });
  progress(`kind: ${kind}`);
  progress(
    docker.started
      ? `dockerd runs in the background (pid ${docker.pid}, log ${docker.paths.log}); stop it with \`sidecar-conformance setup --kind --undo\``
      : `reusing the running dockerd${docker.pid ? ` (pid ${docker.pid}, log ${docker.paths.log})` : ''}`,
  );
  return ExitCode.ok;
}

async function undoKindHost(progress: Progress, signal: AbortSignal): Promise<number> {
  const result = await undoDockerHost(progress, { signal });
  progress(result.stopped ? `stopped dockerd (pid ${result.stopped})` : 'no dockerd of ours was running');
  for (const path of result.removed) progress(`removed ${path}`);
  for (const what of result.leftAlone) progress(`left alone: ${what}`);
  return ExitCode.ok;
}
