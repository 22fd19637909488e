import { join } from 'node:path';
import { defaults } from '../../config.js';
import { missingDependencyError } from '../../errors.js';
import {
  agnhostSpec,
  type BuildResult,
  componentBinDir,
  containerdSpec,
  criToolsSpec,
  ensureComponent,
  etcdSpec,
  kubernetesSpec,
  moduleSourceFile,
  releaseDate,
} from './build.js';
import { describeSubstitution } from './substitute.js';
import { pathExists } from '../../fs.js';

/** Every binary one local cluster runs, by absolute path. */
export interface LocalBinaries {
  kubernetesVersion: string;
  kubeApiserver: string;
  kubeControllerManager: string;
  kubeScheduler: string;
  kubelet: string;
  etcd: string;
  containerd: string;
  containerdShimDir: string;
  ctr: string;
  /** 1 for Debian's containerd 1.6, 2 for containerd 2.x built here. */
  containerdMajor: 1 | 2;
  runc: string;
  cniBinDir: string;
  /** crictl, to read container times in nanoseconds from the runtime's CRI. */
  crictl: string;
  /** agnhost (upstream's e2e test binary) from the same Kubernetes version, static, for the agnhost image. */
  agnhost: string;
  /** Seconds per binary built in this call (empty when everything was cached). */
  built: Record<string, number>;
  /**
   * Sibling modules built at another version than upstream's because the Go module proxy refused
   * theirs, e.g. "kubernetes: k8s.io/endpointslice v0.32.12 in place of v0.32.13, not served"
   * (also in each component's build.json beside its binaries).
   */
  substitutions?: string[];
}

export interface BinaryVersions {
  kubernetes: string;
  etcd: string;
  containerd: string;
  /** Default: `defaults.criToolsVersion`. */
  criTools?: string;
}

/** The minor version of `1.37.2` → 37. */
export function minorOf(version: string): number {
  return Number(/^v?1\.(\d+)/.exec(version)?.[1] ?? NaN);
}

export async function ensureBinaries(
  versions: BinaryVersions,
  cacheRoot: string,
  onProgress: (line: string) => void,
  signal?: AbortSignal,
): Promise<LocalBinaries> {
  const runc = '/usr/sbin/runc';
  const cniBinDir = '/usr/lib/cni';
  for (const [path, pkg] of [
    [runc, 'runc'],
    [join(cniBinDir, 'bridge'), 'containernetworking-plugins'],
  ] as const) {
    if (!(await pathExists(path))) {
      throw missingDependencyError(
        `${path} is missing; run \`npm run setup\` (installs Debian's ${pkg}) as root.`,
      );
    }
  }
  const v = `v${versions.kubernetes.replace(/^v/, '')}`;
  const options = { cacheRoot, onProgress, signal };
  const kube = await ensureComponent(kubernetesSpec(v, await cachedReleaseDate(cacheRoot, v)), options);
  const etcd = await ensureComponent(etcdSpec(versions.etcd), options);

  // Debian's containerd 1.6 serves kubelets up to 1.35; newer ones get containerd 2.x built here.
  const useDebian = minorOf(v) <= 35 && (await pathExists('/usr/bin/containerd'));
  let containerd: BuildResult;
  if (useDebian) containerd = { binDir: '/usr/bin', built: {}, substitutions: [] };
  else containerd = await ensureComponent(containerdSpec(versions.containerd), options);
  const criTools = await ensureComponent(
    criToolsSpec(versions.criTools ?? defaults.criToolsVersion),
    options,
  );
  const agnhost = await ensureComponent(agnhostSpec(v, await cachedAgnhostVersion(cacheRoot, v)), options);

  return {
    kubernetesVersion: v,
    kubeApiserver: join(kube.binDir, 'kube-apiserver'),
    kubeControllerManager: join(kube.binDir, 'kube-controller-manager'),
    kubeScheduler: join(kube.binDir, 'kube-scheduler'),
    kubelet: join(kube.binDir, 'kubelet'),
    etcd: join(etcd.binDir, 'etcd'),
    containerd: join(containerd.binDir, 'containerd'),
    containerdShimDir: containerd.binDir,
    ctr: join(containerd.binDir, 'ctr'),
    containerdMajor: useDebian ? 1 : 2,
    runc,
    cniBinDir,
    crictl: join(criTools.binDir, 'crictl'),
    agnhost: join(agnhost.binDir, 'agnhost'),
    built: { ...kube.built, ...etcd.built, ...containerd.built, ...criTools.built, ...agnhost.built },
    substitutions: (
      [
        ['kubernetes', kube],
        ['etcd', etcd],
        ['containerd', containerd],
        ['cri-tools', criTools],
        ['agnhost', agnhost],
      ] as const
    ).flatMap(([name, result]) => result.substitutions.map((s) => `${name}: ${describeSubstitution(s)}`)),
  };
}

/**
 * Only agnhost (upstream's e2e test binary) of a Kubernetes version, built into the cache when
 * missing: for a provider whose node brings its own Kubernetes (kind) but not the test images.
 */
export async function ensureAgnhostBinary(
  kubernetesVersion: string,
  cacheRoot: string,
  onProgress: (line: string) => void,
  signal?: AbortSignal,
): Promise<string> {
  const v = `v${kubernetesVersion.replace(/^v/, '')}`;
  const agnhost = await ensureComponent(agnhostSpec(v, await cachedAgnhostVersion(cacheRoot, v)), {
    cacheRoot,
    onProgress,
    signal,
  });
  return join(agnhost.binDir, 'agnhost');
}

/** Where ensureBinaries puts crictl for a cri-tools version (it may not be built yet). */
export function crictlPath(cacheRoot: string, criToolsVersion: string = defaults.criToolsVersion): string {
  return join(componentBinDir(criToolsSpec(criToolsVersion), cacheRoot), 'crictl');
}

/** The release date only matters when building; skip the proxy round trip when binaries exist. */
async function cachedReleaseDate(cacheRoot: string, version: string): Promise<string> {
  if (await pathExists(join(cacheRoot, 'bin', `kubernetes-${version}`, 'kubelet'))) return '';
  return releaseDate('k8s.io/kubernetes', version);
}

/** agnhost's own version (test/images/agnhost/VERSION), stamped as upstream does; only read when building. */
async function cachedAgnhostVersion(cacheRoot: string, version: string): Promise<string> {
  if (await pathExists(join(cacheRoot, 'bin', `agnhost-${version}`, 'agnhost'))) return '';
  return (await moduleSourceFile('k8s.io/kubernetes', version, 'test/images/agnhost/VERSION')).trim();
}
