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

/**
 * A Kubernetes version as the local provider takes it: a release (1.37.2) or a pre-release the Go
 * module proxy serves (1.38.0-alpha.2, 1.38.0-beta.0, 1.38.0-rc.1), without the leading v.
 */
export const KUBERNETES_VERSION = /^1\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?$/;

/** `--version`'s value (a leading v allowed) as a version like 1.37.2 or 1.38.0-beta.0; throws a usage error otherwise. */
export function parseKubernetesVersion(value: string): string {
  const version = value.replace(/^v/, '');
  if (!KUBERNETES_VERSION.test(version))
    throw usageError(`--version ${version} is not a Kubernetes version like 1.37.2 or 1.38.0-beta.0.`);
  return version;
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
  const version = parseKubernetesVersion(options.version ?? defaults.kubernetesVersion);
  if (provider === 'local') {
    return new LocalProvider({
      name,
      kubernetesVersion: version,
      ...(options.featureGates ? { featureGates: options.featureGates } : {}),
    });
  }
  throw usageError(`--provider ${provider} is not known; providers: ${PROVIDERS.join(', ')}.`);
}
