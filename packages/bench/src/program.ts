import { LogsiftError, UsageError } from '@logsift/api';
import { Command, CommanderError } from 'commander';
import { generateCommand } from './generate-command.js';

/** Exit codes, as in the logsift CLI: 0 done, 2 bad usage or input, 3 internal or I/O failure. */
export const EXIT = { ok: 0, usage: 2, failure: 3 } as const;

/** The `logsift-bench` program; each subcommand lives in a file of its own. */
export function buildProgram(): Command {
  return new Command('logsift-bench')
    .description('Benchmarks and test data for logsift.')
    .exitOverride()
    .addCommand(generateCommand());
}

/** Runs `logsift-bench` with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return done ? EXIT.ok : EXIT.usage;
    }
    if (LogsiftError.isInstance(error)) {
      const { code, message } = error;
      process.stderr.write(`logsift-bench: ${code}: ${message}\n`);
      return UsageError.isInstance(error) || code === 'ENOENT' ? EXIT.usage : EXIT.failure;
    }
    process.stderr.write(`logsift-bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}
