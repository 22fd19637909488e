import { resolve } from 'node:path';
import { access } from 'node:fs/promises';
import { parseFeatureGates, type FeatureGates } from '../cluster/feature-gates.js';
import {
  chooseProvider,
  hostProbe,
  providerFor,
  resolveVersion,
  type AutoProbe,
} from '../cluster/providers.js';
import { defaults } from '../config.js';
import { usageError } from '../errors.js';
import { validateImageOption, type ClusterChoice } from '../run/session.js';

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  provider?: string;
  'node-image'?: string;
  name?: string;
  version?: string;
  'keep-cluster'?: boolean;
  'feature-gates'?: string;
  image?: string;
}

/**
 * Turns cluster flags into a choice: the named kubeconfig, else the provider `--provider` names
 * (auto by default: kind when it is there, else the local cluster when root; see chooseProvider).
 */
export async function clusterChoice(
  flags: ClusterFlags,
  /** The gates the selected scenarios need on a version, used when --feature-gates is not given. */
  neededGates: (version: string) => FeatureGates = () => ({}),
  probe: AutoProbe = hostProbe(),
): Promise<ClusterChoice> {
  validateImageOption(flags.image);
  const gates = flags['feature-gates'] !== undefined ? parseFeatureGates(flags['feature-gates']) : undefined;
  if (flags.kubeconfig) {
    const explicit = flags.provider !== undefined && flags.provider !== 'auto';
    if (explicit || flags.version || flags.name || gates || flags['node-image']) {
      throw usageError(
        '--kubeconfig names an existing cluster; it does not go with --provider, --name, --version, --feature-gates or --node-image.',
      );
    }
    const path = resolve(flags.kubeconfig);
    await access(path).catch(() => {
      throw usageError(`Kubeconfig ${path} does not exist.`);
    });
    return { kubeconfig: path, context: flags.context, image: flags.image };
  }
  if (flags.context) throw usageError('--context needs --kubeconfig.');
  const chosen = await chooseProvider(flags.provider, probe);
  if (flags['node-image'] !== undefined && chosen.provider !== 'kind') {
    throw usageError(
      `--node-image is a kind node image; the ${chosen.provider} provider was chosen (${chosen.because}).`,
    );
  }
  const resolved = await resolveVersion(flags, (line) => process.stderr.write(`${line}\n`));
  const version = (resolved.version ?? defaults.kubernetesVersion).replace(/^v/, '');
  return {
    provider: providerFor({
      ...resolved,
      provider: chosen.provider,
      featureGates: gates ?? neededGates(version),
      ...(flags['node-image'] !== undefined ? { nodeImage: flags['node-image'] } : {}),
    }),
    keepCluster: flags['keep-cluster'] ?? false,
    image: flags.image,
    because: chosen.because,
  };
}
