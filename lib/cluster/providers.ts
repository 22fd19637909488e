import { cacheDir, defaults } from '../config.js';
import { missingDependencyError, usageError } from '../errors.js';
import { runCommand } from './kind/commands.js';
import { KindProvider } from './kind/provider.js';
import { probeKindTools, type KindTools } from './kind/tools.js';
import { latestKubernetesVersion } from './local/build.js';
import { LocalProvider } from './local/local.js';
import type { FeatureGates } from './feature-gates.js';
import type { ClusterProvider } from './provider.js';

/** `--provider` values: auto (the default) picks one of the others. */
export const PROVIDERS = ['auto', 'local', 'kind'] as const;
export type ConcreteProvider = 'local' | 'kind';

export interface ProviderOptions {
  /** A concrete provider (local, kind); `auto` is resolved by chooseProvider first. Default: local. */
  provider?: string;
  name?: string;
  version?: string;
  /** `--feature-gates` for a cluster the provider brings up. */
  featureGates?: FeatureGates;
  /** `--node-image` (kind only). */
  nodeImage?: string;
}

/** The provider a run uses, and why, as one line for the progress output. */
export interface ProviderChoice {
  provider: ConcreteProvider;
  because: string;
}

/** What auto looks at; tests replace it. */
export interface AutoProbe {
  kind: () => Promise<{ tools: KindTools } | { missing: string }>;
  isRoot: () => boolean;
}

export const hostProbe = (): AutoProbe => ({
  kind: () => probeKindTools({ runner: runCommand, cacheRoot: cacheDir() }),
  isRoot: () => process.getuid?.() === 0,
});

/**
 * `--provider`: local and kind as asked; auto (the default) is kind when a kind binary and a
 * container engine that answers are found, else local when running as root, else one sentence
 * naming the three ways (a kubeconfig, kind, root). Always in that order, so the same machine gets
 * the same answer; the caller prints `because`. A kubeconfig given goes before all of this.
 */
export async function chooseProvider(
  requested: string | undefined,
  probe: AutoProbe = hostProbe(),
): Promise<ProviderChoice> {
  const asked = requested ?? 'auto';
  if (asked === 'local' || asked === 'kind') return { provider: asked, because: `--provider ${asked}` };
  if (asked !== 'auto') {
    throw usageError(`--provider ${asked} is not known; providers: ${PROVIDERS.join(', ')}.`);
  }
  const kind = await probe.kind();
  if ('tools' in kind) {
    const { tools } = kind;
    return {
      provider: 'kind',
      because: `--provider auto: kind found (${tools.kind}, ${tools.engine} ${tools.engineVersion} answers); --provider local for the local cluster`,
    };
  }
  if (probe.isRoot()) {
    return {
      provider: 'local',
      because: `--provider auto: no kind (it needs ${kind.missing}), running as root`,
    };
  }
  throw missingDependencyError(
    `No cluster to run on (kind needs ${kind.missing}, and this is not root): pass --kubeconfig PATH for an existing cluster, install kind with \`sidecar-conformance setup --kind\` (as root) for --provider kind, or run as root for the local provider.`,
  );
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

/** The provider a run brings its cluster up with: a concrete one (resolve auto with chooseProvider). */
export function providerFor(options: ProviderOptions): ClusterProvider {
  const provider = options.provider ?? 'local';
  const name = options.name ?? defaults.clusterName;
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(name)) {
    throw usageError(`--name ${name} is not a valid cluster name (lower-case letters, digits and -).`);
  }
  const version = parseKubernetesVersion(options.version ?? defaults.kubernetesVersion);
  if (options.nodeImage !== undefined && provider !== 'kind') {
    throw usageError(`--node-image is a kind node image; it does not go with the ${provider} provider.`);
  }
  if (provider === 'kind') {
    return new KindProvider({
      name,
      kubernetesVersion: version,
      ...(options.featureGates ? { featureGates: options.featureGates } : {}),
      ...(options.nodeImage ? { nodeImage: options.nodeImage } : {}),
    });
  }
  if (provider === 'local') {
    return new LocalProvider({
      name,
      kubernetesVersion: version,
      ...(options.featureGates ? { featureGates: options.featureGates } : {}),
    });
  }
  if (provider === 'auto')
    throw new Error('--provider auto reached providerFor unresolved (call chooseProvider).');
  throw usageError(`--provider ${provider} is not known; providers: ${PROVIDERS.join(', ')}.`);
}
