import { Command, CommanderError, Help } from 'commander';
import { toOption } from './flag-options.js';
import { elapsedSince, now } from './clock.js';
import { describeError, EXIT, type Envelope, type ErrorInfo } from './envelope.js';
import { execute } from './execute.js';
import { formatJson, outputMode, useColor } from './output.js';
import { colors, loadTableLib } from './render.js';
import { allCommands } from './registry.js';
import { printsEnvelope, type CommandDef, type FlagDef, type Options, type RenderContext } from './spec.js';
import { VERSION } from './version.js';

function examplesHelp(def: CommandDef): string {
  if (def.examples.length === 0) return '';
  return `\nExamples:\n${def.examples.map((e) => `  $ ${e.cmd}\n      ${e.what}`).join('\n')}\n`;
}

function textError(err: ErrorInfo, color: boolean): string {
  const c = colors({ color, options: {}, width: 80 });
  return `${c.red(c.bold(`error ${err.code}`))}: ${err.message}${err.location ? c.dim(` (at ${err.location})`) : ''}${err.hint ? `\n${c.dim(`hint: ${err.hint}`)}` : ''}\n`;
}

function writeOut(chunk: string): Promise<void> {
  if (chunk === '') return Promise.resolve();
  return new Promise((resolve, reject) => {
    process.stdout.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/** Files left out of a directory walk, on stderr as ripgrep does (JSON output has them in the envelope). */
function printSkipped(envelope: Envelope): void {
  for (const s of envelope.skipped ?? []) process.stderr.write(`logsift: skipped ${s.path}: ${s.reason} (${s.code})\n`);
}

/** Prints an envelope (JSON) or its text rendering, per the output mode. */
async function print(def: CommandDef, envelope: Envelope, options: Options): Promise<void> {
  const mode = outputMode(options);
  if (mode === 'json') {
    await writeOut(formatJson(envelope, options['pretty'] === true));
    return;
  }
  if (envelope.error) {
    process.stderr.write(textError(envelope.error, useColor(options, process.stderr)));
    return;
  }
  printSkipped(envelope);
  await loadTableLib();
  const ctx: RenderContext = { color: useColor(options), options, width: process.stdout.columns ?? 120 };
  let out = def.text(envelope.data, ctx);
  const t = envelope.truncated;
  if (t) {
    const c = colors(ctx);
    const parts = [];
    if (t.list) parts.push(`${t.list}: showing ${t.kept} of ${t.total}`);
    if (t.stringsCutTo !== undefined) parts.push(`strings cut to ${t.stringsCutTo} characters`);
    out += `\n${c.yellow(`truncated by --max-bytes (${parts.join('; ')})`)}`;
  }
  await writeOut(`${out}\n`);
}

/** Runs the CLI; resolves to the exit code. */
export async function run(argv: string[]): Promise<number> {
  const started = now();
  let exitCode: number = EXIT.found;
  const program = new Command('logsift')
    .description('Investigate logs: search, follow, hierarchy, error flow, templates and more.\nJSON on stdout when piped, tables on a terminal. Exit codes: 0 found, 1 nothing found, 2 bad usage or input, 3 internal or I/O failure.')
    .version(VERSION, '-V, --version')
    .usage('<command> [sources...] [flags]')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeErr: () => {} });

  // Startup time: building commander Options for every flag of every command costs more than
  // the rest of a small run. When argv starts with a command, that command alone is built: it
  // is the one that runs or shows its help. Otherwise (program help, `help <command>`, an
  // unknown command to suggest for) every command is listed, but only those named in argv get
  // their flags; the others need just a name, summary and arguments, and their `[options]`
  // marker in the program's help comes from the definition.
  const named = new Set(argv);
  const all = allCommands();
  const invoked = all.find((d) => d.name === argv[0]);
  const defs = invoked ? [invoked] : all;
  const withFlags = new Map(all.map((d) => [d.name, d.flags.length > 0]));
  program.configureHelp({
    subcommandTerm(cmd: Command): string {
      const term = Help.prototype.subcommandTerm.call(this, cmd);
      const name = cmd.name();
      return cmd.options.length === 0 && withFlags.get(name) === true ? `${name} [options]${term.slice(name.length)}` : term;
    },
  });

  for (const def of defs) {
    const cmd = program.command(def.name).summary(def.summary).description(def.description ?? def.summary);
    for (const a of def.args) cmd.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`, a.description);
    if (!named.has(def.name)) continue;
    for (const f of def.flags) cmd.addOption(toOption(f));
    if (def.passThrough) cmd.allowUnknownOption();
    cmd.addHelpText('after', examplesHelp(def));
    cmd.action(async (...actionArgs: unknown[]) => {
      const command = actionArgs[actionArgs.length - 1] as Command;
      // One action argument per declared positional (a variadic one is an array).
      const args = actionArgs.slice(0, def.args.length).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [String(a)]));
      const options = command.opts<Options>();
      if (!printsEnvelope(def, options)) {
        // Streaming commands print their own output; only an error becomes an envelope.
        const { envelope, exitCode: code } = await execute(def, args, options, {
          pretty: false,
          progress: true,
          write: writeOut,
        });
        exitCode = code;
        if (!envelope.ok) await print(def, envelope, { ...options, json: options['text'] !== true });
        else printSkipped(envelope);
        if (envelope.ok && envelope.summary?.['truncated']) process.stderr.write(`${JSON.stringify({ truncated: envelope.summary['truncated'] })}\n`);
        return;
      }
      const { envelope, exitCode: code } = await execute(def, args, options, {
        pretty: options['pretty'] === true,
        progress: true,
        write: writeOut,
      });
      exitCode = code;
      await print(def, envelope, options);
    });
  }

  try {
    if (argv.length === 0) {
      process.stdout.write(program.helpInformation());
      return EXIT.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.found;
      const name = program.args[0] ?? argv[0] ?? '';
      const err = describeError(error);
      err.code = 'USAGE';
      err.message = error.message.replace(/^error: /, '');
      err.hint = `run logsift ${all.some((d) => d.name === name) ? `${name} ` : ''}--help`;
      const envelope: Envelope = {
        ok: false,
        command: name,
        inputs: { args: argv[0] === name ? argv.slice(1) : argv, options: {} },
        truncated: false,
        error: err,
        elapsedMs: elapsedSince(started),
      };
      const forced = argv.includes('--json') ? { json: true } : argv.includes('--text') ? { text: true } : {};
      const mode = outputMode(forced);
      if (mode === 'json') process.stdout.write(formatJson(envelope, argv.includes('--pretty')));
      else process.stderr.write(textError(err, useColor({ color: !argv.includes('--no-color') }, process.stderr)));
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}
