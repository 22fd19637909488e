/**
 * Errors a user sees: one sentence naming the thing, the expectation and where to look.
 * Each carries the process exit code the command line uses for it (documented in the README).
 */
export const ExitCode = {
  ok: 0,
  scenarioFailed: 1,
  usage: 2,
  badManifest: 3,
  clusterUnreachable: 4,
  missingDependency: 5,
  clusterStartFailed: 6,
  notRoot: 7,
  /** No rule broke, but some could not be decided (too-coarse times, evidence the harness could not see). */
  undecided: 8,
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** What each exit code means: `--help` and the README's table are both written from this list. */
export const EXIT_CODE_MEANINGS: ReadonlyArray<readonly [ExitCode, string]> = [
  [ExitCode.ok, 'every scenario passed / the command succeeded'],
  [ExitCode.scenarioFailed, 'a scenario failed (a rule broke or a step timed out)'],
  [ExitCode.usage, 'bad usage: unknown command or flag, bad flag value, missing kubeconfig file'],
  [ExitCode.badManifest, 'bad manifest: missing file, invalid YAML, no workload with a sidecar'],
  [ExitCode.clusterUnreachable, 'cluster unreachable'],
  [
    ExitCode.missingDependency,
    'missing dependency (Go, a Debian package, a binary, kind or a container engine, a kind node image)',
  ],
  [
    ExitCode.clusterStartFailed,
    'the cluster did not come up (the message names the component and its log, or where kind export logs put the node’s) or another local cluster is running',
  ],
  [ExitCode.notRoot, 'not root (the local provider runs a kubelet and a container runtime)'],
  [
    ExitCode.undecided,
    'no rule broke, but some could not be decided (times too coarse, or evidence the harness could not see)',
  ],
  [ExitCode.interrupted, 'interrupted (Ctrl-C): namespaces and what the run brought up are removed'],
];

export class UserError extends Error {
  override readonly name = 'UserError';
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string) => new UserError(message, ExitCode.usage);
export const manifestError = (message: string) => new UserError(message, ExitCode.badManifest);
export const unreachableError = (message: string, cause?: unknown) =>
  new UserError(message, ExitCode.clusterUnreachable, { cause });
export const missingDependencyError = (message: string) => new UserError(message, ExitCode.missingDependency);
export const clusterStartError = (message: string, cause?: unknown) =>
  new UserError(message, ExitCode.clusterStartFailed, { cause });

/** The short text of any thrown value, for messages and logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    // undici's fetch (client-node 2.x) says only "fetch failed"; what failed is in its cause.
    if (error.message === 'fetch failed' && error.cause instanceof Error) {
      return `fetch failed: ${error.cause.message}`;
    }
    return error.message;
  }
  return String(error);
}
