import { resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { providerFor, resolveVersion } from '../cluster/providers.js';
import { usageError } from '../errors.js';
import { validateImageOption, type ClusterChoice } from '../run/session.js';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  provider?: string;
  name?: string;
  version?: string;
  'keep-cluster'?: boolean;
  image?: string;
}

/** Turns cluster flags into a choice: the named kubeconfig, or the default provider. */
export async function clusterChoice(flags: ClusterFlags): Promise<ClusterChoice> {
  validateImageOption(flags.image);
  if (flags.kubeconfig) {
    if (flags.provider || flags.version || flags.name) {
      throw usageError(
        '--kubeconfig names an existing cluster; it does not go with --provider, --name or --version.',
      );
    }
    const path = resolve(flags.kubeconfig);
    await access(path).catch(() => {
      throw usageError(`Kubeconfig ${path} does not exist.`);
    });
    return { kubeconfig: path, context: flags.context, image: flags.image };
  }
  if (flags.context) throw usageError('--context needs --kubeconfig.');
  return {
    provider: providerFor(await resolveVersion(flags, (line) => process.stderr.write(`${line}\n`))),
    keepCluster: flags['keep-cluster'] ?? false,
    image: flags.image,
  };
}
