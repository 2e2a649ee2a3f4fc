#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { Unavailable } from './api-surface.js';
import { compareCommand } from './compare-command.js';
import { runCommand } from './run-command.js';

const program = new Command('logsift-bench')
  .description('Benchmarks logsift against its earlier versions and peer tools, on the same generated data.')
  .addCommand(runCommand())
  .addCommand(compareCommand())
  .exitOverride();

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? 0 : 2;
  } else if (error instanceof Unavailable) {
    process.stderr.write(`logsift-bench: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`logsift-bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 3;
  }
}
