import { execa } from 'execa';

/**
 * How the kind provider runs kind and the container engine: one small function, so that every
 * decision it makes (create or reuse, delete or leave, which engine) is unit-tested with a fake.
 */

export interface CommandOptions {
  timeoutMs?: number;
  /** Kills the command (SIGTERM) when aborted; the result then says `canceled`. */
  signal?: AbortSignal;
  /** Added to the environment the harness runs in. */
  env?: Record<string, string>;
}

export interface CommandResult {
  /** undefined when the command did not run to an exit (missing, timed out, canceled, killed). */
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  /** The program is not there (ENOENT). */
  missing?: boolean;
  timedOut?: boolean;
  canceled?: boolean;
}

export type CommandRunner = (
  command: string,
  args: string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

/** The real runner: execa, never rejecting (the result says how it ended), no standard input. */
export const runCommand: CommandRunner = async (command, args, options = {}) => {
  const result = await execa(command, args, {
    reject: false,
    stdin: 'ignore',
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.env ? { env: options.env } : {}),
  });
  return {
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    ...((result as { code?: string }).code === 'ENOENT' ? { missing: true } : {}),
    ...(result.timedOut ? { timedOut: true } : {}),
    ...(result.isCanceled ? { canceled: true } : {}),
  };
};

/** The last meaningful line a command printed on stderr (kind and docker end with the reason). */
export function lastLine(result: CommandResult): string {
  const lines = `${result.stderr}\n${result.stdout}`
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const error = lines.filter((line) => /^(ERROR|Error)\b/.test(line)).at(-1);
  return (error ?? lines.at(-1) ?? '').replace(/\.$/, '');
}

/** `kind create cluster` as a user would type it, for messages. */
export function commandLine(command: string, args: string[]): string {
  return [command.split('/').at(-1) ?? command, ...args].join(' ');
}
