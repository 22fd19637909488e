import { ExitCode, UserError, describeError, usageError } from '../errors.js';
import { EXIT_CODES, HELP } from './help.js';
import { checkCommand } from './check.js';
import { clusterCommand } from './cluster.js';
import { diffCommand } from './diff.js';
import { nodeImageCommand } from './node-image.js';
import { runCommand } from './run.js';
import { setupCommand } from './setup.js';

type Command = (args: string[], signal: AbortSignal) => Promise<number>;

const COMMANDS: Record<string, Command> = {
  run: runCommand,
  check: checkCommand,
  cluster: clusterCommand,
  setup: setupCommand,
  diff: diffCommand,
  'node-image': nodeImageCommand,
};

/** Ctrl-C (or SIGTERM) aborts the run; the first one lets every step clean up. */
const controller = new AbortController();

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    if (!command) {
      process.stderr.write(`${HELP.main}\n`);
      return ExitCode.usage;
    }
    process.stdout.write(`${HELP.main}\n`);
    return ExitCode.ok;
  }
  const run = COMMANDS[command];
  if (!run)
    throw usageError(
      `Unknown command "${command}"; commands are ${Object.keys(COMMANDS).join(', ')} (see --help).`,
    );
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${HELP[command]}\n`);
    return ExitCode.ok;
  }

  // Ctrl-C aborts the run: scenarios delete their namespaces and what this run brought up comes down.
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    process.stderr.write(`\n${signal}: stopping and cleaning up (press again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const code = await run(rest, controller.signal);
  return controller.signal.aborted ? ExitCode.interrupted : code;
}

const debug = process.argv.includes('--debug');
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Whatever an interrupted step threw (a wait aborted, a request cut off), the run was interrupted.
    if (controller.signal.aborted) {
      process.stderr.write(`sidecar-conformance: interrupted: ${describeError(error).split('\n')[0]}\n`);
      process.exit(ExitCode.interrupted);
    }
    if (error instanceof UserError) {
      process.stderr.write(`sidecar-conformance: ${error.message}\n`);
      if (debug && error.cause)
        process.stderr.write(`${String((error.cause as Error)?.stack ?? error.cause)}\n`);
      process.exit(error.exitCode);
    }
    process.stderr.write(
      `sidecar-conformance: unexpected error: ${describeError(error)} (run with --debug for the stack).\n`,
    );
    if (debug) process.stderr.write(`${(error as Error)?.stack ?? ''}\n${EXIT_CODES}\n`);
    process.exit(ExitCode.scenarioFailed);
  },
);
