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
  if (error instanceof Error) return error.message;
  return String(error);
}
