import { LogsiftError, UsageError } from '@logsift/api';
import { Command, CommanderError } from 'commander';
import { Unavailable } from './api-surface.js';
import { cacheCommand } from './cache-command.js';
import { compareCommand } from './compare-command.js';
import { generateCommand } from './generate-command.js';
import { runCommand } from './run-command.js';
import { sqliteSizesCommand } from './sqlite-sizes-command.js';
import { versusLoglerCommand } from './versus-logler.js';

/** Exit codes, as in the logsift CLI: 0 done, 2 bad usage or input, 3 internal or I/O failure. */
export const EXIT = { ok: 0, usage: 2, failure: 3 } as const;

/** The `logsift-bench` program; each subcommand lives in a file of its own. */
export function buildProgram(): Command {
  return new Command('logsift-bench')
    .description('Benchmarks and test data for logsift: versions and peer tools compared on the same generated data.')
    .exitOverride()
    .addCommand(generateCommand())
    .addCommand(runCommand())
    .addCommand(compareCommand())
    .addCommand(sqliteSizesCommand())
    .addCommand(cacheCommand())
    .addCommand(versusLoglerCommand());
}

/** Runs `logsift-bench` with `argv` (without node and script); resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  for (const cmd of program.commands) cmd.exitOverride();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    // `run` (a scenario failed) and `compare --fail-on-regression` set a non-zero exit code.
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help';
      return done ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof Unavailable) {
      process.stderr.write(`logsift-bench: ${error.message}\n`);
      return EXIT.usage;
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
