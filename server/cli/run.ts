import { applyCommand } from './apply-command';
import { Failure, UsageError, type CliIo } from './command';
import { demoCommand } from './demo-command';
import { explainCommand } from './explain-command';
import { exportCommand } from './export-command';
import { keysCommand } from './keys-command';
import { InputError } from '../yaml/read-objects';

export type { CliIo } from './command';

const commands: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  apply: applyCommand,
  export: exportCommand,
  keys: keysCommand,
  explain: explainCommand,
  demo: demoCommand,
};

export const mainHelp = `Usage: grove COMMAND [options]

Manages a running Grove over its API.

Commands:
  apply -f FILE   create or update the objects in a YAML or JSON file (all or nothing)
  export          print the registry as YAML that apply accepts
  keys            create, list and revoke API keys
  explain         show the routing decision for a hypothetical request (no model is called)
  demo remove     delete the seeded demo models (sim-sage, sim-swift, sim-flaky)

Run "grove COMMAND --help" for a command's options.
Exit codes: 0 ok, 1 failure, 2 wrong usage.
`;

/** The whole CLI as a function: argv without `node grove`, and the streams to use. Returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout).write(mainHelp);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr.write(`grove: unknown command "${name}"\n\n${mainHelp}`);
    return 2;
  }
  try {
    return await command(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`grove ${error.command}: ${error.message}\nRun "grove ${error.command} --help" for usage.\n`);
      return 2;
    }
    if (error instanceof Failure || error instanceof InputError) {
      io.stderr.write(`grove: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
