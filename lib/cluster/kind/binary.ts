import { cacheDir } from '../../config.js';
import { ensureGoTool, goToolPath } from '../../go-tool.js';

/**
 * The kind binary (sigs.k8s.io/kind), built from the Go module proxy and kept in the project's cache
 * keyed by version, like the cluster's binaries. kind's go.mod has no replace directives, so a plain
 * `go install module@version` builds it.
 */
export const KIND_MODULE = 'sigs.k8s.io/kind';

/**
 * Pinned because node-image internals are unsupported across kind releases (kind's docs say so).
 * v0.33.0 is the first release that knows Kubernetes 1.37's kubeadm config.
 */
export const KIND_VERSION = 'v0.33.0';

export function kindPath(cache = cacheDir(), version = KIND_VERSION): string {
  return goToolPath(cache, { name: 'kind', version });
}

export interface EnsureKindOptions {
  cache?: string;
  version?: string;
  signal?: AbortSignal;
}

/** The cached kind binary's path; builds it first (about a minute). */
export async function ensureKind(
  onProgress: (line: string) => void = () => {},
  options: EnsureKindOptions = {},
): Promise<string> {
  return ensureGoTool(
    { name: 'kind', module: KIND_MODULE, version: options.version ?? KIND_VERSION },
    { cache: options.cache ?? cacheDir(), onProgress, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
