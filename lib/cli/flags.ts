import { parseArgs, type ParseArgsConfig } from 'node:util';
import { describeError, usageError } from '../errors.js';

/** Flags shared by every command that selects a cluster. */
export const clusterOptions = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  provider: { type: 'string' },
  'node-image': { type: 'string' },
  name: { type: 'string' },
  version: { type: 'string' },
  'keep-cluster': { type: 'boolean' },
  'feature-gates': { type: 'string' },
  image: { type: 'string' },
} satisfies ParseArgsConfig['options'];

export const commonOptions = {
  help: { type: 'boolean', short: 'h' },
  debug: { type: 'boolean' },
} satisfies ParseArgsConfig['options'];

/** Parses flags strictly: an unknown flag or a missing value is a usage error naming the command. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({
      args,
      options: { ...commonOptions, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError(
      `${describeError(error).replace(/\.$/, '')}; see \`sidecar-conformance ${command} --help\`.`,
    );
  }
}
