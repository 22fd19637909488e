import { resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { parseFeatureGates, type FeatureGates } from '../cluster/feature-gates.js';
import { providerFor, resolveVersion } from '../cluster/providers.js';
import { defaults } from '../config.js';
import { usageError } from '../errors.js';
import { validateImageOption, type ClusterChoice } from '../run/session.js';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  provider?: string;
  name?: string;
  version?: string;
  'keep-cluster'?: boolean;
  'feature-gates'?: string;
  image?: string;
}

/** Turns cluster flags into a choice: the named kubeconfig, or the default provider. */
export async function clusterChoice(
  flags: ClusterFlags,
  /** The gates the selected scenarios need on a version, used when --feature-gates is not given. */
  neededGates: (version: string) => FeatureGates = () => ({}),
): Promise<ClusterChoice> {
  validateImageOption(flags.image);
  const gates = flags['feature-gates'] !== undefined ? parseFeatureGates(flags['feature-gates']) : undefined;
  if (flags.kubeconfig) {
    if (flags.provider || flags.version || flags.name || gates) {
      throw usageError(
        '--kubeconfig names an existing cluster; it does not go with --provider, --name, --version or --feature-gates.',
      );
    }
    const path = resolve(flags.kubeconfig);
    await access(path).catch(() => {
      throw usageError(`Kubeconfig ${path} does not exist.`);
    });
    return { kubeconfig: path, context: flags.context, image: flags.image };
  }
  if (flags.context) throw usageError('--context needs --kubeconfig.');
  const resolved = await resolveVersion(flags, (line) => process.stderr.write(`${line}\n`));
  const version = (resolved.version ?? defaults.kubernetesVersion).replace(/^v/, '');
  return {
    provider: providerFor({ ...resolved, featureGates: gates ?? neededGates(version) }),
    keepCluster: flags['keep-cluster'] ?? false,
    image: flags.image,
  };
}
