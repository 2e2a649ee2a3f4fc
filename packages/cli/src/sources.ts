import { open, type Investigation, type OpenOptions } from '@logsift/api';
import { CliError } from './envelope.js';
import { SOURCE_FLAGS } from './flags.js';
import { openSqliteSource } from './sqlite-module.js';
import { optionKey, type FlagDef, type Options } from './spec.js';

/** The source flags given a value other than their default, with that value. */
export function givenSourceFlags(options: Options): [FlagDef, NonNullable<Options[string]>][] {
  return SOURCE_FLAGS.flatMap((f) => {
    const v = options[optionKey(f)];
    // commander sets a `--no-x` flag's key to true unless it is given.
    const negated = f.type === 'boolean' && f.name.startsWith('no-');
    if (v === undefined || v === f.default || (negated && v !== false) || (Array.isArray(v) && v.length === 0)) return [];
    return [[f, v]];
  });
}

/** The `open()` options the source flags set (each flag names its option). */
export function openOptions(options: Options): OpenOptions {
  const o: Record<string, unknown> = {};
  for (const f of SOURCE_FLAGS) {
    const v = options[optionKey(f)];
    if (f.open && v !== undefined && !(Array.isArray(v) && v.length === 0)) o[f.open] = v;
  }
  return o as OpenOptions;
}

export interface DbSource {
  path: string;
  mapping: string | undefined;
  timezone: string | undefined;
}

/**
 * The `--db` source, or undefined when the sources are files. Refuses what cannot be meant:
 * files and --db together, --db-mapping without --db, a file-only flag (--format) with --db.
 */
export function dbSource(args: string[], options: Options): DbSource | undefined {
  const db = options['db'];
  if (typeof db !== 'string') {
    if (options['dbMapping'] !== undefined) throw new CliError('USAGE', '--db-mapping goes with --db', 'add --db FILE.sqlite');
    return undefined;
  }
  if (args.length > 0) throw new CliError('USAGE', 'give either log sources or --db, not both', 'drop the sources or --db');
  for (const [f] of givenSourceFlags(options)) {
    if (!f.db) throw new CliError('USAGE', `--${f.name} applies to log files, not to a --db source`, `drop --${f.name}`, f.name);
  }
  const timezone = options['timezone'];
  return { path: db, mapping: options['dbMapping'] as string | undefined, timezone: typeof timezone === 'string' ? timezone : undefined };
}

/** Opens the sources the arguments and source flags name: files, dirs, globs, stdin, or --db. */
export async function openSources(
  args: string[],
  options: Options,
  io: { signal?: AbortSignal | undefined; onProgress?: OpenOptions['onProgress'] },
): Promise<Investigation> {
  const db = dbSource(args, options);
  if (db) {
    return openSqliteSource(db.path, db.mapping, { ...(db.timezone ? { timezone: db.timezone } : {}), ...(io.signal ? { signal: io.signal } : {}) });
  }
  const parquet = options['parquet'];
  if (args.length === 0 && !(Array.isArray(parquet) && parquet.length > 0)) {
    throw new CliError('USAGE', 'no log sources given', 'pass files, directories, globs, - for stdin, --parquet DIR or --db FILE.sqlite (see --help)');
  }
  // `-` is stdin: the api reads it (alone, not mixed with paths).
  return open(args, { ...openOptions(options), ...(io.signal ? { signal: io.signal } : {}), ...(io.onProgress ? { onProgress: io.onProgress } : {}) });
}

/** A word for a POSIX shell: quoted unless it is plainly safe. */
export function shellWord(s: string): string {
  return /^[\w./:=@%+,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The sources as they were given (positionals and source flags), as shell words to paste. */
export function sourceWords(args: string[], options: Options): string {
  const words = args.map(shellWord);
  for (const [f, v] of givenSourceFlags(options)) {
    if (typeof v === 'boolean') words.push(`--${f.name}`);
    else for (const x of Array.isArray(v) ? v : [v]) words.push(`--${f.name}`, shellWord(String(x)));
  }
  return words.join(' ');
}

/** The api's suggested commands (`logsift follow <sources> --id X`) with the real sources, ready to paste. */
export function withSources(commands: string[], args: string[], options: Options): string[] {
  const words = sourceWords(args, options);
  return commands.map((cmd) => cmd.split('<sources>').join(words));
}
