import { defaults } from '../config.js';
import { usageError } from '../errors.js';
import { latestKubernetesVersion } from './local/build.js';
import { LocalProvider } from './local/local.js';
import type { FeatureGates } from './feature-gates.js';
import type { ClusterProvider } from './provider.js';

export const PROVIDERS = ['local'] as const;

export interface ProviderOptions {
  provider?: string;
  name?: string;
  version?: string;
  /** `--feature-gates` for a cluster the provider brings up. */
  featureGates?: FeatureGates;
}

/** Resolves `--version latest` (newest release this machine's Go builds); other values pass through. */
export async function resolveVersion(
  options: ProviderOptions,
  onProgress?: (line: string) => void,
): Promise<ProviderOptions> {
  if (options.version !== 'latest') return options;
  return { ...options, version: await latestKubernetesVersion(onProgress) };
}

/** The provider a run brings its default cluster up with (kind and others come later). */
export function providerFor(options: ProviderOptions): ClusterProvider {
  const provider = options.provider ?? 'local';
  const name = options.name ?? defaults.clusterName;
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(name)) {
    throw usageError(`--name ${name} is not a valid cluster name (lower-case letters, digits and -).`);
  }
  const version = (options.version ?? defaults.kubernetesVersion).replace(/^v/, '');
  if (!/^1\.\d+\.\d+$/.test(version))
    throw usageError(`--version ${version} is not a Kubernetes version like 1.37.2.`);
  if (provider === 'local') {
    return new LocalProvider({
      name,
      kubernetesVersion: version,
      ...(options.featureGates ? { featureGates: options.featureGates } : {}),
    });
  }
  throw usageError(`--provider ${provider} is not known; providers: ${PROVIDERS.join(', ')}.`);
}
