import { Command, CommanderError } from 'commander';
import { describeError, EXIT, exitCodeFor, type Envelope } from './envelope.js';
import { outputMode, printJson } from './output.js';
import { statsCommand } from './commands/stats.js';

interface GlobalFlags {
  json?: boolean;
  text?: boolean;
  pretty?: boolean;
  color?: boolean;
}

/** A command's result before it becomes an envelope. */
export interface CommandResult {
  data: unknown;
  summary?: Record<string, unknown>;
  /** Whether anything was found (exit 0) or not (exit 1). */
  found: boolean;
  /** Human rendering for a terminal. */
  text: () => string;
}

export interface CommandSpec {
  name: string;
  describe: (cmd: Command) => Command;
  run: (sources: string[], options: Record<string, unknown>) => Promise<CommandResult>;
}

const COMMANDS: CommandSpec[] = [statsCommand];

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const started = performance.now();
  let exitCode: number = EXIT.found;
  const program = new Command('logsift')
    .description('Investigate logs: search, follow, hierarchy, error flow, templates and more.')
    .option('--json', 'force JSON output')
    .option('--text', 'force human-readable output')
    .option('--pretty', 'indent JSON output')
    .option('--no-color', 'disable colours (NO_COLOR is honoured too)')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });

  const envelope = (command: string, sources: string[], options: Record<string, unknown>): Envelope => ({
    ok: true,
    command,
    inputs: { sources, options },
    elapsedMs: 0,
  });

  for (const spec of COMMANDS) {
    const cmd = spec.describe(program.command(spec.name));
    cmd.exitOverride().action(async (...args: unknown[]) => {
      const command = args[args.length - 1] as Command;
      const sources = (args[0] as string[] | undefined) ?? [];
      const options = command.opts();
      const flags = program.opts<GlobalFlags>();
      const env = envelope(spec.name, sources, options);
      try {
        const result = await spec.run(sources, options);
        exitCode = result.found ? EXIT.found : EXIT.nothing;
        if (outputMode(flags) === 'text') {
          process.stdout.write(`${result.text()}\n`);
          return;
        }
        env.data = result.data;
        if (result.summary) env.summary = result.summary;
        env.truncated = false;
      } catch (error) {
        const err = describeError(error);
        exitCode = exitCodeFor(err.code);
        if (outputMode(flags) === 'text') {
          process.stderr.write(`error ${err.code}: ${err.message}${err.hint ? `\nhint: ${err.hint}` : ''}\n`);
          return;
        }
        env.ok = false;
        env.error = err;
      }
      env.elapsedMs = Math.round((performance.now() - started) * 10) / 10;
      printJson(env, flags.pretty === true);
    });
  }

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.found;
      const env = envelope(program.args[0] ?? '', [], {});
      env.ok = false;
      env.error = { code: 'USAGE', message: error.message.replace(/^error: /, ''), hint: 'run logsift --help' };
      env.elapsedMs = Math.round((performance.now() - started) * 10) / 10;
      printJson(env, false);
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
