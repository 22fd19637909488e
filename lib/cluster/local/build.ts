import { createWriteStream } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { missingDependencyError, clusterStartError } from '../../errors.js';
import { poll } from '../../wait.js';
import { isAlive } from './processes.js';
import {
  goSatisfies,
  kubernetesStagingVersion,
  parseGoMod,
  toolchainName,
  wrapperGoMod,
  wrapperSiblings,
} from './gomod.js';
import {
  blamedSubstitution,
  chooseServedVersion,
  describeSubstitution,
  isRefusal,
  markInBuild,
  refusedInOutput,
  parseDownloadJson,
  type DownloadRecord,
  type ProbeOutcome,
  type Substitution,
} from './substitute.js';
import { pathExists } from '../../fs.js';

/**
 * Builds upstream binaries from the Go module proxy through generated wrapper modules, cached per
 * version under the XDG cache so a second run takes seconds. Go's own build and module caches
 * (also under the XDG cache) make a rebuild after a version bump incremental.
 */

export interface BuildTarget {
  binary: string;
  pkg: string;
  /** Upstream builds everything but the kubelet with cgo off. */
  cgo: boolean;
}

export interface ComponentSpec {
  /** Cache key prefix, e.g. `kubernetes`. */
  name: string;
  module: string;
  version: string;
  twinVersion: (siblingPath: string) => string;
  targets: BuildTarget[];
  ldflags: string[];
  tags?: string[];
}

function versionLdflags(version: string, buildDate: string): string[] {
  const match = /^v(\d+)\.(\d+)/.exec(version);
  const flags = ['-s', '-w'];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${match?.[1] ?? ''}`,
      `-X ${pkg}.gitMinor=${match?.[2] ?? ''}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags;
}

export function kubernetesSpec(version: string, buildDate: string): ComponentSpec {
  const v = `v${version.replace(/^v/, '')}`;
  const twin = kubernetesStagingVersion(v);
  return {
    name: 'kubernetes',
    module: 'k8s.io/kubernetes',
    version: v,
    twinVersion: () => twin,
    targets: [
      { binary: 'kube-apiserver', pkg: 'k8s.io/kubernetes/cmd/kube-apiserver', cgo: false },
      { binary: 'kube-controller-manager', pkg: 'k8s.io/kubernetes/cmd/kube-controller-manager', cgo: false },
      { binary: 'kube-scheduler', pkg: 'k8s.io/kubernetes/cmd/kube-scheduler', cgo: false },
      { binary: 'kubelet', pkg: 'k8s.io/kubernetes/cmd/kubelet', cgo: true },
    ],
    ldflags: versionLdflags(v, buildDate),
  };
}

/**
 * kubeadm and kubectl, for kind node images: the same module, version, wrapper module and ldflags
 * as kubernetesSpec, so they land beside its binaries (`kubernetes-<v>/`) without making the local
 * provider build them. kubeadm reads its own version from these ldflags for its skew checks and the
 * image tags it asks for; without them it says v0.0.0-master.
 */
export function kubernetesNodeToolsSpec(version: string, buildDate: string): ComponentSpec {
  const base = kubernetesSpec(version, buildDate);
  return {
    ...base,
    targets: [
      { binary: 'kubeadm', pkg: 'k8s.io/kubernetes/cmd/kubeadm', cgo: false },
      { binary: 'kubectl', pkg: 'k8s.io/kubernetes/cmd/kubectl', cgo: false },
    ],
  };
}

/**
 * agnhost, upstream's own e2e test image binary (k8s.io/kubernetes/test/images/agnhost), from the
 * same module and version as the cluster. Upstream's image-util.sh builds it with cgo off and
 * `-X main.Version=<test/images/agnhost/VERSION>`; so do we (plus our -trimpath -s).
 */
export function agnhostSpec(kubernetesVersion: string, agnhostVersion: string): ComponentSpec {
  const v = `v${kubernetesVersion.replace(/^v/, '')}`;
  const twin = kubernetesStagingVersion(v);
  return {
    name: 'agnhost',
    module: 'k8s.io/kubernetes',
    version: v,
    twinVersion: () => twin,
    targets: [{ binary: 'agnhost', pkg: 'k8s.io/kubernetes/test/images/agnhost', cgo: false }],
    ldflags: ['-s', '-w', `-X main.Version=${agnhostVersion}`],
  };
}

export function etcdSpec(version: string): ComponentSpec {
  const v = `v${version.replace(/^v/, '')}`;
  return {
    name: 'etcd',
    module: 'go.etcd.io/etcd/server/v3',
    version: v,
    twinVersion: () => v,
    targets: [{ binary: 'etcd', pkg: 'go.etcd.io/etcd/server/v3', cgo: false }],
    ldflags: ['-s', '-w'],
  };
}

export function containerdSpec(version: string): ComponentSpec {
  const v = `v${version.replace(/^v/, '')}`;
  const base = 'github.com/containerd/containerd/v2';
  return {
    name: 'containerd',
    module: base,
    version: v,
    twinVersion: () => v,
    targets: [
      { binary: 'containerd', pkg: `${base}/cmd/containerd`, cgo: false },
      { binary: 'containerd-shim-runc-v2', pkg: `${base}/cmd/containerd-shim-runc-v2`, cgo: false },
      { binary: 'ctr', pkg: `${base}/cmd/ctr`, cgo: false },
    ],
    ldflags: ['-s', '-w', `-X ${base}/version.Version=${v}`],
    // Snapshotters that need C headers or kernel features this project does not use.
    tags: ['no_btrfs', 'no_devmapper', 'no_zfs'],
  };
}

/** crictl (sigs.k8s.io/cri-tools): a plain module with no local replaces, so the wrapper only requires it. */
export function criToolsSpec(version: string): ComponentSpec {
  const v = `v${version.replace(/^v/, '')}`;
  const base = 'sigs.k8s.io/cri-tools';
  return {
    name: 'cri-tools',
    module: base,
    version: v,
    twinVersion: () => v,
    targets: [{ binary: 'crictl', pkg: `${base}/cmd/crictl`, cgo: false }],
    ldflags: ['-s', '-w', `-X ${base}/pkg/version.Version=${v}`],
  };
}

/**
 * `go mod download -json` (through GOPROXY with the user's settings; files land in Go's module cache).
 * A module whose go directive is newer than this machine's Go ("requires go >= 1.27.0 (running go
 * 1.26.8; GOTOOLCHAIN=local)") is downloaded again by that Go, fetched through the proxy (toolchainFor).
 */
export async function goModDownload(
  targets: string[],
  timeoutMs: number,
): Promise<{ records: DownloadRecord[]; stderr: string }> {
  const run = async (env: Record<string, string>) => {
    const { stdout, stderr } = await execa('go', ['mod', 'download', '-json', ...targets], {
      env: { GOFLAGS: '-mod=mod', ...env },
      timeout: timeoutMs,
      reject: false,
      cwd: '/',
    });
    return { records: parseDownloadJson(stdout), stderr };
  };
  const first = await run({});
  const needed = first.records
    .map((r) => /requires go >= (\S+) \(running go/.exec(r.Error ?? '')?.[1])
    .filter((v): v is string => Boolean(v))
    .sort((a, b) => (goSatisfies(a, b) ? -1 : 1))[0];
  if (!needed) return first;
  return run({ GOTOOLCHAIN: toolchainName(needed) });
}

export async function goProxyFile(module: string, version: string, suffix: 'mod' | 'info'): Promise<string> {
  const info = (await goModDownload([`${module}@${version}`], 10 * 60_000)).records[0] ?? {};
  if (info.Error || !info.GoMod || !info.Info) {
    throw clusterStartError(
      `The Go module proxy does not serve ${module}@${version} (${info.Error ?? 'no go.mod'}); pick a version it lists: go list -m -versions ${module}.`,
    );
  }
  return readFile(suffix === 'mod' ? info.GoMod : info.Info, 'utf8');
}

/** One file of a module version's source, from Go's module cache (downloaded through GOPROXY if missing). */
export async function moduleSourceFile(module: string, version: string, path: string): Promise<string> {
  const info = (await goModDownload([`${module}@${version}`], 20 * 60_000)).records[0] ?? {};
  if (info.Error || !info.Dir) {
    throw clusterStartError(
      `The Go module proxy does not serve ${module}@${version} (${info.Error ?? 'no source directory'}).`,
    );
  }
  return readFile(join(info.Dir, path), 'utf8');
}

export interface BuildResult {
  binDir: string;
  /** Seconds each binary took, for binaries built in this call. */
  built: Record<string, number>;
  /** Sibling modules built at another version than upstream's, because the proxy refused theirs. */
  substitutions: Substitution[];
}

/** `<binDir>/build.json`: what was built, from what, and what stood in for what the proxy refused. */
export interface BuildManifest {
  component: string;
  module: string;
  version: string;
  go: string;
  /** Each binary's build time in seconds, for those built by the run that wrote the manifest. */
  built: Record<string, number>;
  /** Stand-ins the built binaries contain. */
  substitutions: (Omit<Substitution, 'tried' | 'inBuild'> & { note: string })[];
  /** Stand-ins replaced in the wrapper but imported by none of the built packages, so changing nothing. */
  notInBuild: string[];
  log: string;
  writtenAt: string;
}

export const BUILD_MANIFEST = 'build.json';

/** The manifest beside a component's binaries, if a build wrote one. */
export async function readBuildManifest(binDir: string): Promise<BuildManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(binDir, BUILD_MANIFEST), 'utf8')) as BuildManifest;
  } catch {
    return undefined;
  }
}

/**
 * Whether the proxy serves each module version's source. One `go mod download -json` for them all
 * (it uses GOPROXY and the rest of `go env`); a version whose .zip is refused counts as not served even
 * when its .info and .mod are (k8s.io/endpointslice@v0.32.13). Other failures (no network) throw.
 */
export async function probeServed(
  modules: { module: string; version: string }[],
): Promise<Map<string, ProbeOutcome>> {
  const outcomes = new Map<string, ProbeOutcome>();
  if (modules.length === 0) return outcomes;
  const { records, stderr } = await goModDownload(
    modules.map((m) => `${m.module}@${m.version}`),
    20 * 60_000,
  );
  for (const { module, version } of modules) {
    const record = records.find((r) => r.Path === module && r.Version === version);
    if (record && !record.Error && record.Dir) outcomes.set(`${module}@${version}`, 'served');
    else if (record?.Error && isRefusal(record.Error)) outcomes.set(`${module}@${version}`, 'refused');
    else
      throw clusterStartError(
        `Could not ask the Go module proxy (${(await execa('go', ['env', 'GOPROXY'])).stdout.trim()}) whether it serves ${module}@${version}: ${record?.Error ?? (stderr.trim() || 'no answer')}.`,
      );
  }
  return outcomes;
}

/** The proxy's (partial) list of a module's versions; empty when it cannot say. */
async function listedVersions(module: string): Promise<string[]> {
  const { stdout, exitCode } = await execa('go', ['list', '-m', '-versions', module], {
    cwd: '/',
    env: { GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    timeout: 120_000,
    reject: false,
  });
  return exitCode === 0 ? stdout.split(/\s+/).slice(1) : [];
}

/**
 * The version of each wrapper sibling to build: upstream's twin when the proxy serves it, otherwise
 * the nearest served one (see substitute.ts). Returns the substitutions made (and the siblings for
 * which nothing was found, `used` undefined: left at the twin, so `go mod tidy` fails on them only if
 * the build needs them).
 */
export async function resolveSiblings(
  siblings: string[],
  twinVersion: (path: string) => string,
  progress: (line: string) => void,
): Promise<Substitution[]> {
  const wanted = siblings.map((module) => ({ module, version: twinVersion(module) }));
  const exact = await probeServed(wanted);
  const substitutions: Substitution[] = [];
  for (const { module, version } of wanted) {
    if (exact.get(`${module}@${version}`) === 'served') continue;
    progress(
      `${module}@${version} is not served by the Go module proxy; looking for the nearest version that is`,
    );
    const probe = async (m: string, v: string) =>
      v === version
        ? 'refused'
        : ((await probeServed([{ module: m, version: v }])).get(`${m}@${v}`) ?? 'refused');
    const choice = await chooseServedVersion(module, version, probe, await listedVersions(module));
    progress(describeSubstitution(choice));
    substitutions.push(choice);
  }
  return substitutions;
}

export interface BuildOptions {
  cacheRoot: string;
  onProgress?: (line: string) => void;
  signal?: AbortSignal;
}

/** `<cache>/bin/<name>-<version>/`: where a component's binaries live once built. */
export function componentBinDir(spec: ComponentSpec, cacheRoot: string): string {
  return join(cacheRoot, 'bin', `${spec.name}-${spec.version}`);
}

async function cachedResult(binDir: string): Promise<BuildResult> {
  const manifest = await readBuildManifest(binDir);
  return {
    binDir,
    built: {},
    substitutions: (manifest?.substitutions ?? []).map(({ module, wanted, used }) => ({
      module,
      wanted,
      used,
      tried: [],
    })),
  };
}

/** Ensures every binary of a component exists in `<cache>/bin/<name>-<version>/`, building what is missing. */
export async function ensureComponent(spec: ComponentSpec, options: BuildOptions): Promise<BuildResult> {
  const binDir = componentBinDir(spec, options.cacheRoot);
  if ((await missingTargets(spec, binDir)).length === 0) return cachedResult(binDir);

  await requireGo();
  const workDir = join(options.cacheRoot, 'build', `${spec.name}-${spec.version}`);
  await mkdir(workDir, { recursive: true });
  await mkdir(binDir, { recursive: true });
  return withBuildLock(workDir, options, () => buildMissing(spec, binDir, workDir, options));
}

async function buildMissing(
  spec: ComponentSpec,
  binDir: string,
  workDir: string,
  options: BuildOptions,
): Promise<BuildResult> {
  const progress = options.onProgress ?? (() => {});
  // Checked again under the lock: another process may have built them while we waited.
  const missing = await missingTargets(spec, binDir);
  if (missing.length === 0) return cachedResult(binDir);
  const logPath = join(workDir, 'build.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const fail = (what: string, cause?: unknown) =>
    clusterStartError(`Building ${spec.name} ${spec.version} failed at ${what}; see ${logPath}.`, cause);
  const substitutionsPath = join(workDir, 'substitutions.json');
  let substitutions: Substitution[] = [];
  /** GOTOOLCHAIN for every go command of this build, when the local Go is older than the module's. */
  let toolchainEnv: Record<string, string>;
  // A failure caused by a stand-in, or by module versions the proxy refuses, says so in one sentence.
  const failNaming = (what: string, output: string) => {
    const blamed = blamedSubstitution(
      output,
      substitutions.filter((s) => s.used),
    );
    if (blamed)
      return clusterStartError(
        `Building ${spec.name} ${spec.version} failed at ${what}: ${blamed.module} ${blamed.used}, used in place of ${blamed.wanted} (not served by the Go module proxy), does not build with ${spec.module} ${spec.version}; see ${logPath}.`,
      );
    const refused = refusedInOutput(output).map(({ module, version }) =>
      substitutions.some((s) => s.module === module && !s.used)
        ? `${module}@${version} (nor any version near it)`
        : `${module}@${version}`,
    );
    if (refused.length > 0)
      return clusterStartError(
        `Building ${spec.name} ${spec.version} failed at ${what}: the Go module proxy does not serve ${refused.join(', ')}, which ${what} asks for; see ${logPath}.`,
      );
    return fail(what);
  };

  try {
    if (await pathExists(join(workDir, 'go.sum'))) {
      const goVersion = /^go\s+(\S+)/m.exec(await readFile(join(workDir, 'go.mod'), 'utf8'))?.[1];
      toolchainEnv = await toolchainFor(goVersion, `${spec.module} ${spec.version}`, progress);
      substitutions = JSON.parse(
        await readFile(substitutionsPath, 'utf8').catch(() => '[]'),
      ) as Substitution[];
      substitutions = markInBuild(substitutions, await wrapperRequires(workDir));
    } else {
      progress(`${spec.name} ${spec.version}: generating the wrapper module in ${workDir}`);
      const upstream = await goProxyFile(spec.module, spec.version, 'mod');
      const goVersion = /^go\s+(\S+)/m.exec(upstream)?.[1];
      toolchainEnv = await toolchainFor(goVersion, `${spec.module} ${spec.version}`, progress);
      progress(`${spec.name} ${spec.version}: asking the Go module proxy for the sibling modules`);
      substitutions = await resolveSiblings(wrapperSiblings(upstream), spec.twinVersion, progress);
      await writeFile(substitutionsPath, `${JSON.stringify(substitutions, null, 2)}\n`);
      const used = new Map(substitutions.filter((s) => s.used).map((s) => [s.module, s.used as string]));
      const goMod = wrapperGoMod({
        module: spec.module,
        version: spec.version,
        upstreamGoMod: upstream,
        twinVersion: (path) => used.get(path) ?? spec.twinVersion(path),
        mainPackages: spec.targets.map((t) => t.pkg),
      });
      await writeFile(join(workDir, 'go.mod'), goMod);
      progress(`${spec.name} ${spec.version}: resolving modules (go mod tidy)`);
      const tidy = execa('go', ['mod', 'tidy'], {
        cwd: workDir,
        env: toolchainEnv,
        all: true,
        reject: false,
        cancelSignal: options.signal,
      });
      tidy.all?.pipe(log, { end: false });
      const result = await tidy;
      if (result.exitCode !== 0) throw failNaming('go mod tidy', String(result.all ?? ''));
      substitutions = markInBuild(substitutions, await wrapperRequires(workDir));
      await writeFile(substitutionsPath, `${JSON.stringify(substitutions, null, 2)}\n`);
    }

    const built: Record<string, number> = {};
    for (const [index, target] of missing.entries()) {
      const started = Date.now();
      const label = `${spec.name} ${spec.version}: building ${target.binary} (${index + 1}/${missing.length})`;
      progress(`${label}; log: ${logPath}`);
      let packages = 0;
      const ticker = setInterval(
        () =>
          progress(`${label}: ${packages} packages compiled, ${Math.round((Date.now() - started) / 1000)} s`),
        30_000,
      );
      const partial = join(binDir, `.${target.binary}.partial`);
      const args = ['build', '-v', '-trimpath', '-ldflags', spec.ldflags.join(' '), '-o', partial];
      if (spec.tags?.length) args.push('-tags', spec.tags.join(','));
      args.push(target.pkg);
      try {
        const child = execa('go', args, {
          cwd: workDir,
          all: true,
          reject: false,
          env: { ...toolchainEnv, CGO_ENABLED: target.cgo ? '1' : '0', GOFLAGS: '-mod=mod -buildvcs=false' },
          cancelSignal: options.signal,
        });
        child.all?.on('data', (chunk: Buffer) => {
          packages += chunk.toString().split('\n').filter(Boolean).length;
        });
        child.all?.pipe(log, { end: false });
        const result = await child;
        if (result.isCanceled) throw fail(`${target.binary} (interrupted)`);
        if (result.exitCode !== 0) throw failNaming(`go build ${target.pkg}`, String(result.all ?? ''));
      } finally {
        clearInterval(ticker);
      }
      await chmod(partial, 0o755);
      await rename(partial, join(binDir, target.binary));
      built[target.binary] = (Date.now() - started) / 1000;
      progress(
        `${spec.name} ${spec.version}: built ${target.binary} in ${built[target.binary]?.toFixed(0)} s`,
      );
    }
    await writeBuildManifest(spec, binDir, built, substitutions, logPath, toolchainEnv);
    return { binDir, built, substitutions: substitutions.filter((s) => s.used && s.inBuild !== false) };
  } finally {
    log.end();
  }
}

/** The modules the tidied wrapper go.mod requires: those the build uses. */
async function wrapperRequires(workDir: string): Promise<Set<string>> {
  return new Set(parseGoMod(await readFile(join(workDir, 'go.mod'), 'utf8')).requires.keys());
}

export async function writeBuildManifest(
  spec: ComponentSpec,
  binDir: string,
  built: Record<string, number>,
  substitutions: Substitution[],
  logPath: string,
  toolchainEnv: Record<string, string>,
): Promise<void> {
  const previous = await readBuildManifest(binDir);
  const manifest: BuildManifest = {
    component: spec.name,
    module: spec.module,
    version: spec.version,
    go: (await execa('go', ['env', 'GOVERSION'], { env: toolchainEnv, cwd: '/' })).stdout.trim(),
    built: { ...previous?.built, ...built },
    substitutions: substitutions
      .filter((s) => s.used && s.used !== s.wanted && s.inBuild !== false)
      .map(({ module, wanted, used }) => ({
        module,
        wanted,
        used,
        note: describeSubstitution({ module, wanted, used }),
      })),
    notInBuild: substitutions
      .filter((s) => s.inBuild === false)
      .map((s) => `${describeSubstitution(s)} (not in the build)`),
    log: logPath,
    writtenAt: new Date().toISOString(),
  };
  await writeFile(join(binDir, BUILD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * One build per work directory at a time: a second `up` (another terminal, a parallel CI job) waits
 * for the first instead of writing the same files. A lock whose owner died is taken over.
 */
async function withBuildLock<T>(workDir: string, options: BuildOptions, build: () => Promise<T>): Promise<T> {
  const lockPath = join(workDir, 'lock');
  const take = async () => {
    try {
      await writeFile(lockPath, `${process.pid}\n`, { flag: 'wx' });
      return true;
    } catch {
      const owner = Number((await readFile(lockPath, 'utf8').catch(() => '')).trim());
      if (!owner || !isAlive(owner)) {
        await rm(lockPath, { force: true });
        return undefined;
      }
      return undefined;
    }
  };
  if (!(await take())) {
    options.onProgress?.(`another build holds ${lockPath}; waiting for it`);
    await poll(take, {
      description: `the build lock ${lockPath}`,
      timeoutMs: 90 * 60_000,
      intervalMs: 2_000,
      signal: options.signal,
    });
  }
  try {
    return await build();
  } finally {
    await rm(lockPath, { force: true });
  }
}

async function missingTargets(spec: ComponentSpec, binDir: string): Promise<BuildTarget[]> {
  const missing: BuildTarget[] = [];
  for (const target of spec.targets)
    if (!(await pathExists(join(binDir, target.binary)))) missing.push(target);
  return missing;
}

/**
 * The environment that gives a module the Go its go directive asks for: nothing when this machine's
 * Go satisfies it, else GOTOOLCHAIN=go1.27.0 (say), which Go fetches through the Go module proxy as
 * the module golang.org/toolchain and checks against the checksum database, like any module.
 */
export async function toolchainFor(
  goVersion: string | undefined,
  what: string,
  progress: (line: string) => void,
): Promise<Record<string, string>> {
  const local = (await execa('go', ['env', 'GOVERSION'], { cwd: '/' })).stdout.trim();
  if (!goVersion || goSatisfies(local, goVersion)) return {};
  const name = toolchainName(goVersion);
  progress(
    `${what} needs Go ${goVersion}, this machine has ${local}: using ${name} from the Go module proxy`,
  );
  const check = await execa('go', ['version'], {
    env: { GOTOOLCHAIN: name },
    cwd: '/',
    all: true,
    reject: false,
    timeout: 20 * 60_000,
  });
  if (check.exitCode !== 0) {
    const why =
      String(check.all ?? '')
        .trim()
        .split('\n')
        .at(-1) ?? '';
    throw missingDependencyError(
      `${what} needs Go ${goVersion} but this machine has ${local}, and the Go module proxy did not provide ${name} (${why}); pick an older version.`,
    );
  }
  return { GOTOOLCHAIN: name };
}

async function requireGo(): Promise<void> {
  try {
    await execa('go', ['version']);
  } catch {
    throw missingDependencyError(
      'Go is not on PATH; the local provider builds Kubernetes from source and needs Go 1.26 or newer.',
    );
  }
}

/** The upstream release time, stamped as buildDate so rebuilt binaries are byte-for-byte the same. */
export async function releaseDate(module: string, version: string): Promise<string> {
  const info = JSON.parse(await goProxyFile(module, version, 'info')) as { Time?: string };
  return (info.Time ?? '1970-01-01T00:00:00Z').replace(/\.\d+Z$/, 'Z');
}

/**
 * The newest Kubernetes release (no pre-releases) the Go module proxy serves whose go directive this
 * machine's Go satisfies: what `--version latest` means.
 */
export async function latestKubernetesVersion(onProgress?: (line: string) => void): Promise<string> {
  await requireGo();
  const { stdout } = await execa('go', ['list', '-m', '-versions', 'k8s.io/kubernetes'], {
    cwd: '/',
    env: { GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    timeout: 120_000,
  });
  const releases = stdout
    .split(/\s+/)
    .filter((v) => /^v1\.\d+\.\d+$/.test(v))
    .sort((a, b) => compareVersions(b, a));
  const toolchain = (await execa('go', ['env', 'GOVERSION'])).stdout.trim();
  for (const version of releases) {
    const goVersion = /^go\s+(\S+)/m.exec(await goProxyFile('k8s.io/kubernetes', version, 'mod'))?.[1];
    if (!goVersion || goSatisfies(toolchain, goVersion)) {
      onProgress?.(`newest Kubernetes release ${toolchain} can build: ${version}`);
      return version.slice(1);
    }
  }
  throw missingDependencyError(`No Kubernetes release on the Go module proxy builds with ${toolchain}.`);
}

function compareVersions(a: string, b: string): number {
  const pa = a.slice(1).split('.').map(Number);
  const pb = b.slice(1).split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
