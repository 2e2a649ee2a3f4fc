import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CliError } from './envelope.js';
import type { ArgDef, FlagDef, Options } from './spec.js';

/** The commander Options of flag definitions (the CLI parser and `parseWords` share them). */
const GROUPS: Record<FlagDef['group'], string> = {
  source: 'Source options:',
  query: 'Query options:',
  paging: 'Paging options:',
  context: 'Context options:',
  id: 'Id options:',
  command: 'Command options:',
  output: 'Output options:',
};

function parseInteger(flag: FlagDef) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('not an integer.');
    const n = Number.parseInt(value, 10);
    if (flag.min !== undefined && n < flag.min) throw new InvalidArgumentError(`must be at least ${flag.min}.`);
    return n;
  };
}

/** A commander Option generated from a flag definition. */
export function toOption(flag: FlagDef): Option {
  // Repeatable flags are `--where a --where b`, not variadic: a variadic flag would swallow sources.
  const value = flag.type === 'boolean' ? '' : ` <${flag.valueName ?? 'value'}>`;
  const o = new Option(`${flag.short ? `-${flag.short}, ` : ''}--${flag.name}${value}`, flag.description).helpGroup(GROUPS[flag.group]);
  if (flag.type === 'integer') o.argParser(parseInteger(flag));
  if (flag.type === 'string[]') o.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
  if (flag.type === 'list') o.argParser((v: string) => v.split(',').map((s) => s.trim()).filter(Boolean));
  if (flag.choices) o.choices(flag.choices);
  if (flag.default !== undefined) o.default(flag.default);
  if (flag.required) o.makeOptionMandatory();
  return o;
}


/**
 * Parses words (`["-q", "timeout", "--limit", "5"]`) against a command's arguments and flags,
 * exactly as the CLI would: how `session` reads the command it is asked to run, and the
 * sources of `session new`. Bad words are a USAGE error, never a printed help or an exit.
 */
export function parseWords(name: string, argDefs: ArgDef[], flags: FlagDef[], words: string[]): { args: string[]; options: Options } {
  const cmd = new Command(name).exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} }).helpOption(false);
  for (const a of argDefs) cmd.argument(a.required ? `<${a.name}${a.variadic ? '...' : ''}>` : `[${a.name}${a.variadic ? '...' : ''}]`, a.description);
  for (const f of flags) cmd.addOption(toOption(f));
  let args: string[] = [];
  cmd.action((...actionArgs: unknown[]) => {
    args = actionArgs.slice(0, argDefs.length).flatMap((a) => (a === undefined ? [] : Array.isArray(a) ? (a as string[]) : [String(a)]));
  });
  try {
    cmd.parse(words, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) throw new CliError('USAGE', `${name}: ${error.message.replace(/^error: /, '')}`, `see logsift ${name} --help`);
    throw error;
  }
  return { args, options: cmd.opts<Options>() };
}
