import { constants } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { missingDependencyError } from '../../errors.js';
import { lastLine, type CommandRunner } from './commands.js';

/**
 * What the kind provider needs on the host: a kind binary and a container engine that answers.
 * kind is looked for on PATH, then where `sidecar-conformance setup --kind` builds it
 * (`<cache>/bin/kind-v<version>/kind`, the newest version first). The engine is docker, else podman
 * (kind's own order), or the one KIND_EXPERIMENTAL_PROVIDER names; "answers" means `<engine> info`
 * exits 0, so a client without a running daemon does not count.
 */

export type ContainerEngine = 'docker' | 'podman';

export interface KindTools {
  kind: string;
  engine: ContainerEngine;
  /** The engine's server version, for progress and status. */
  engineVersion: string;
}

export interface ToolSearch {
  runner: CommandRunner;
  /** The XDG cache root of this harness (`~/.cache/sidecar-conformance`). */
  cacheRoot: string;
  /** PATH and KIND_EXPERIMENTAL_PROVIDER are read from here (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
}

/** How long `docker info` may take: a daemon that does not answer in this is not working. */
const ENGINE_INFO_TIMEOUT_MS = 15_000;

const isExecutable = (path: string) =>
  access(path, constants.X_OK).then(
    () => true,
    () => false,
  );

/** `kind-v0.32.0` → [0, 32, 0]; anything else → undefined. */
function cachedKindVersion(dir: string): number[] | undefined {
  const match = /^kind-v(\d+)\.(\d+)\.(\d+)/.exec(dir);
  return match ? match.slice(1).map(Number) : undefined;
}

/** The kind binary: the first on PATH, else the newest one this harness built into its cache. */
export async function findKindBinary(search: Omit<ToolSearch, 'runner'>): Promise<string | undefined> {
  const env = search.env ?? process.env;
  for (const dir of (env.PATH ?? '').split(':').filter(Boolean)) {
    const candidate = join(dir, 'kind');
    if (await isExecutable(candidate)) return candidate;
  }
  const binDir = join(search.cacheRoot, 'bin');
  const cached = (await readdir(binDir).catch(() => [] as string[]))
    .map((dir) => ({ dir, version: cachedKindVersion(dir) }))
    .filter((entry): entry is { dir: string; version: number[] } => entry.version !== undefined)
    .sort((a, b) => {
      for (let i = 0; i < 3; i++) {
        const diff = (b.version[i] ?? 0) - (a.version[i] ?? 0);
        if (diff) return diff;
      }
      return b.dir.localeCompare(a.dir);
    });
  for (const { dir } of cached) {
    const candidate = join(binDir, dir, 'kind');
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** The engines to try, in order: the one KIND_EXPERIMENTAL_PROVIDER names, else docker then podman. */
function enginesToTry(env: NodeJS.ProcessEnv): ContainerEngine[] | string {
  const named = env.KIND_EXPERIMENTAL_PROVIDER;
  if (!named) return ['docker', 'podman'];
  if (named === 'docker' || named === 'podman') return [named];
  return `KIND_EXPERIMENTAL_PROVIDER=${named}, which this harness does not drive (docker or podman)`;
}

/** The first engine whose `info` answers, or what each one said. */
export async function findEngine(
  search: ToolSearch,
): Promise<{ engine: ContainerEngine; version: string } | { missing: string }> {
  const engines = enginesToTry(search.env ?? process.env);
  if (typeof engines === 'string') return { missing: engines };
  const said: string[] = [];
  for (const engine of engines) {
    const format = engine === 'docker' ? '{{.ServerVersion}}' : '{{.Version.Version}}';
    const result = await search.runner(engine, ['info', '--format', format], {
      timeoutMs: ENGINE_INFO_TIMEOUT_MS,
    });
    const version = result.stdout.trim();
    if (result.exitCode === 0 && version) return { engine, version };
    said.push(
      result.missing
        ? `${engine} is not installed`
        : result.timedOut
          ? `\`${engine} info\` did not answer within ${ENGINE_INFO_TIMEOUT_MS / 1000} s`
          : `\`${engine} info\` failed (${lastLine(result) || `exit ${result.exitCode}`})`,
    );
  }
  return { missing: `a working container engine (${said.join('; ')})` };
}

/** The kind tools, or what is missing, in words; never throws. */
export async function probeKindTools(
  search: ToolSearch,
): Promise<{ tools: KindTools } | { missing: string }> {
  const kind = await findKindBinary(search);
  if (!kind) {
    return { missing: `a kind binary (none on PATH or in ${join(search.cacheRoot, 'bin', 'kind-v*')})` };
  }
  const engine = await findEngine(search);
  if ('missing' in engine) return engine;
  return { tools: { kind, engine: engine.engine, engineVersion: engine.version } };
}

/** The kind tools; a missing one is one sentence naming the command that installs it (exit code 5). */
export async function requireKindTools(search: ToolSearch): Promise<KindTools> {
  const probe = await probeKindTools(search);
  if ('tools' in probe) return probe.tools;
  throw missingDependencyError(
    `The kind provider needs ${probe.missing}; run \`sidecar-conformance setup --kind\` as root to install them.`,
  );
}
