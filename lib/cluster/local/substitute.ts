/**
 * When the Go module proxy refuses a sibling module's exact version (k8s.io/endpointslice@v0.32.13:
 * "403 This module version is not available", although v0.32.12 is served), the wrapper module
 * replaces it with the nearest version the proxy does serve: the newest one of the same minor
 * below it, else the lowest one of the next minor. Every such choice is recorded, so a build's
 * outputs (and the reports made from them) say what was built in place of what.
 *
 * `go list -m -versions` (the proxy's /@v/list) is partial, and a version's .info and .mod may be
 * served while its .zip is refused, so a version counts as served only when its source downloads.
 */

/** Whether the proxy serves a module version's source: `served`, or `refused` (403/404/410: not there). */
export type ProbeOutcome = 'served' | 'refused';

/** Asks the proxy about one module version; throws on anything but a clear yes or no (network, proxy down). */
export type ServedProbe = (module: string, version: string) => Promise<ProbeOutcome>;

export interface Substitution {
  module: string;
  /** The version the upstream module's staging layout asks for. */
  wanted: string;
  /** The version built in its place; undefined when no served version was found. */
  used?: string;
  /** Every version asked about, in order, with the answer. */
  tried: { version: string; outcome: ProbeOutcome }[];
  /**
   * Whether the build uses the module at all (the tidied wrapper go.mod requires it): a sibling no
   * built package imports (k8s.io/sample-apiserver) is replaced all the same, but changes nothing.
   */
  inBuild?: boolean;
}

/** Marks each substitution by whether the tidied wrapper go.mod requires its module. */
export function markInBuild(
  substitutions: readonly Substitution[],
  required: ReadonlySet<string>,
): Substitution[] {
  return substitutions.map((s) => ({ ...s, inBuild: required.has(s.module) }));
}

interface Parsed {
  major: number;
  minor: number;
  patch: number;
  /** e.g. ['beta', 0]; undefined for a release. */
  pre?: [string, number];
}

const PRE_ORDER = ['alpha', 'beta', 'rc'];

export function parseModuleVersion(version: string): Parsed | undefined {
  const m = /^v(\d+)\.(\d+)\.(\d+)(?:-(alpha|beta|rc)\.(\d+))?$/.exec(version);
  if (!m) return undefined;
  const parsed: Parsed = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
  if (m[4]) parsed.pre = [m[4], Number(m[5])];
  return parsed;
}

function format(p: Parsed): string {
  return `v${p.major}.${p.minor}.${p.patch}${p.pre ? `-${p.pre[0]}.${p.pre[1]}` : ''}`;
}

/** Semver order for the versions this project meets (releases and alpha/beta/rc.N pre-releases). */
export function compareModuleVersions(a: string, b: string): number {
  const pa = parseModuleVersion(a);
  const pb = parseModuleVersion(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (const key of ['major', 'minor', 'patch'] as const) if (pa[key] !== pb[key]) return pa[key] - pb[key];
  if (!pa.pre || !pb.pre) return pa.pre ? -1 : pb.pre ? 1 : 0;
  const kind = PRE_ORDER.indexOf(pa.pre[0]) - PRE_ORDER.indexOf(pb.pre[0]);
  return kind !== 0 ? kind : pa.pre[1] - pb.pre[1];
}

/** How many patches of the next minor are asked about, lowest first, when the wanted minor has none. */
export const NEXT_MINOR_PATCHES = 20;

/**
 * The versions to ask about, in order: those of the same minor below `wanted`, newest first (for a
 * release its lower patches; for a pre-release the lower pre-releases of the same x.y.z), then the
 * releases of the next minor, lowest first. `listed` (the proxy's partial list) adds versions the
 * enumeration would miss.
 */
export function fallbackCandidates(wanted: string, listed: readonly string[] = []): string[][] {
  const w = parseModuleVersion(wanted);
  if (!w) return [[], []];
  const sameMinor = new Set<string>();
  if (!w.pre) {
    for (let patch = w.patch - 1; patch >= 0; patch--) sameMinor.add(format({ ...w, patch }));
  } else {
    const kind = PRE_ORDER.indexOf(w.pre[0]);
    // alpha.0…alpha.3 is as far as Kubernetes goes; the proxy's list adds any beyond.
    for (let k = kind; k >= 0; k--) {
      const top = k === kind ? w.pre[1] - 1 : 3;
      for (let n = top; n >= 0; n--) sameMinor.add(format({ ...w, pre: [PRE_ORDER[k] as string, n] }));
    }
    for (let patch = w.patch - 1; patch >= 0; patch--) sameMinor.add(format({ ...w, patch, pre: undefined }));
  }
  // Before x.y.0 is released there is no x.(y+1) to fall back on.
  const nextMinor = new Set<string>();
  if (!w.pre)
    for (let patch = 0; patch < NEXT_MINOR_PATCHES; patch++)
      nextMinor.add(format({ major: w.major, minor: w.minor + 1, patch }));
  for (const version of listed) {
    const p = parseModuleVersion(version);
    if (!p || p.major !== w.major) continue;
    if (p.minor === w.minor && compareModuleVersions(version, wanted) < 0) {
      // A pre-release of a lower patch is no better than that patch's release; keep releases only there.
      if (!p.pre || (w.pre && p.patch === w.patch)) sameMinor.add(version);
    } else if (p.minor === w.minor + 1 && !p.pre && !w.pre) nextMinor.add(version);
  }
  return [
    [...sameMinor].sort((a, b) => compareModuleVersions(b, a)),
    [...nextMinor].sort(compareModuleVersions),
  ];
}

/**
 * The version to build for `module` when `wanted` is refused: asks `probe` about each candidate in
 * order and stops at the first served one. Returns `used: wanted` when it is served after all.
 */
export async function chooseServedVersion(
  module: string,
  wanted: string,
  probe: ServedProbe,
  listed: readonly string[] = [],
): Promise<Substitution> {
  const tried: Substitution['tried'] = [];
  const ask = async (version: string) => {
    const outcome = await probe(module, version);
    tried.push({ version, outcome });
    return outcome === 'served';
  };
  if (await ask(wanted)) return { module, wanted, used: wanted, tried };
  const [sameMinor, nextMinor] = fallbackCandidates(wanted, listed);
  for (const version of [...(sameMinor ?? []), ...(nextMinor ?? [])]) {
    if (await ask(version)) return { module, wanted, used: version, tried };
  }
  return { module, wanted, tried };
}

/** "k8s.io/endpointslice v0.32.12 in place of v0.32.13, not served": how builds and reports say it. */
export function describeSubstitution(s: Pick<Substitution, 'module' | 'wanted' | 'used'>): string {
  if (!s.used) return `${s.module} ${s.wanted} not served, and no other version of it near that one is`;
  return `${s.module} ${s.used} in place of ${s.wanted}, not served`;
}

/** Whether `go mod download` failed because the proxy refused the version (as opposed to a network error). */
export function isRefusal(error: string): boolean {
  return /\b(403|404|410)\b|not available|not found|unknown revision|invalid version|no matching versions/i.test(
    error,
  );
}

export interface DownloadRecord {
  Path?: string;
  Version?: string;
  Error?: string;
  Dir?: string;
  GoMod?: string;
  Info?: string;
}

/** `go mod download -json a@x b@y` prints one JSON object per module, back to back. */
export function parseDownloadJson(stdout: string): DownloadRecord[] {
  const records: DownloadRecord[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < stdout.length; i++) {
    const c = stdout[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) {
        records.push(JSON.parse(stdout.slice(start, i + 1)) as DownloadRecord);
        start = -1;
      }
    }
  }
  return records;
}

/**
 * The module a failed `go mod tidy` or `go build` output blames among the substituted ones: the first
 * substituted module whose path (`k8s.io/legacy-cloud-providers@v0.30.4/…` or `k8s.io/legacy-cloud-providers/…`)
 * appears on an error line.
 */
export function blamedSubstitution(
  output: string,
  substitutions: readonly Substitution[],
): Substitution | undefined {
  const errorLines = output
    .split('\n')
    .filter((line) => /\.go:\d+(:\d+)?:|cannot|undefined|error|not available|no required module/i.test(line));
  for (const s of substitutions) {
    const escaped = s.module.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const pattern = new RegExp(`(^|[\\s"'(])${escaped}(@|/|:|\\s|$)`);
    if (errorLines.some((line) => pattern.test(line))) return s;
  }
  return undefined;
}

/**
 * The module versions a failed `go mod tidy` says the proxy refused ("k8s.io/apiextensions-api@v0.38.0-beta.0:
 * reading https://…/@v/v0.38.0-beta.0.zip: 403 Forbidden"), each once, in order of appearance.
 */
export function refusedInOutput(output: string): { module: string; version: string }[] {
  const seen = new Map<string, { module: string; version: string }>();
  for (const m of output.matchAll(/(\S+?)@(v[^\s:]+): reading \S+: (?:403|404|410)\b/g)) {
    const key = `${m[1]}@${m[2]}`;
    if (!seen.has(key)) seen.set(key, { module: m[1] as string, version: m[2] as string });
  }
  return [...seen.values()];
}
