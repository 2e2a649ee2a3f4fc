import { basename } from 'node:path';
import { CancelledError, watch, type WatchOptions } from '@logsift/api';
import { CliError } from '../envelope.js';
import { QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG, STREAM_OUTPUT_FLAGS } from '../flags.js';
import { outputMode, useColor } from '../output.js';
import { jsonLine, LineBudget } from '../line-budget.js';
import { ALL_FIELDS_FLAG, toQuery } from '../query.js';
import { colors } from '../render.js';
import { openOptions } from '../sources.js';
import { renderEntry, type EntryLike } from '../render-entries.js';
import type { CommandDef, FlagDef, Options, RenderContext } from '../spec.js';

/** What a watch takes beside the source and query flags every command takes. */
export const WATCH_FLAGS: FlagDef[] = [
  { name: 'from-start', type: 'boolean', group: 'command', description: 'replay the files from their start first (default: start at their end; --last 5m replays the last five minutes)' },
  ALL_FIELDS_FLAG,
];

/**
 * The sources of a watch: files, directories and globs. What cannot be followed is refused,
 * not ignored: stdin, a --db source, --max-decompressed-bytes (compressed files are not
 * followed).
 */
export function watchSources(args: string[], options: Options): string[] {
  if (typeof options['db'] === 'string' || options['dbMapping'] !== undefined) {
    throw new CliError('USAGE', 'a --db source cannot be followed', 'name log files, directories or globs');
  }
  if (options['maxDecompressedBytes'] !== undefined) {
    throw new CliError('USAGE', '--max-decompressed-bytes does not apply: compressed files are not followed', 'drop --max-decompressed-bytes', 'max-decompressed-bytes');
  }
  if (args.length === 0) throw new CliError('USAGE', 'no log sources given', 'name log files, directories or globs to follow');
  if (args.includes('-')) throw new CliError('USAGE', 'stdin (-) cannot be followed', 'name log files, directories or globs');
  return args;
}

/**
 * The flags as the api's watch options: the files' open options, the query, where to start.
 * `--last 5m` is where to start (the last five minutes first), not a filter on what follows.
 */
export function toWatchOptions(options: Options): WatchOptions {
  const { last, ...query } = toQuery(options);
  const { format, timezone, include } = openOptions(options);
  const o: WatchOptions = { ...query };
  if (format !== undefined) o.format = format;
  if (timezone !== undefined) o.timezone = timezone;
  if (include !== undefined) o.include = include;
  if (options['fromStart'] === true) o.fromStart = true;
  if (last !== undefined) o.last = last;
  if (options['allFields'] === true) o.fields = true;
  if (typeof options['settleMs'] === 'number') o.settleMs = options['settleMs'];
  if (options['polling'] === true) o.polling = true;
  return o;
}

/**
 * `logsift watch`: prints matching entries as they are written, until SIGINT (or stdout
 * closes). JSON lines when piped, one coloured line per entry on a terminal.
 */
export const watchCommand: CommandDef = {
  name: 'watch',
  summary: 'Follow files as they are written: print the entries matching a query, through rotation and new files.',
  description:
    'Follows files, directories and globs live and prints every matching entry once, as it is written (JSON lines when piped, coloured lines on a terminal). Starts at the end; --from-start or --last 5m replay first. Follows rename and copytruncate rotation, new files in watched directories or globs, and files that shrink. A multi-line record is printed once complete (when the next record starts, or after --settle-ms of quiet). Stops on Ctrl-C.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    ...WATCH_FLAGS,
    { name: 'settle-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'quiet time after which a last record is complete (default 100)' },
    { name: 'polling', type: 'boolean', group: 'command', description: 'rescan every 250 ms instead of using filesystem notifications' },
    // --json and --text choose JSON lines or coloured lines; --max-bytes stops the watch there.
    ...STREAM_OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: "logsift watch /var/log/app.log -q 'level>=error'", what: 'errors as they happen' },
    { cmd: 'logsift watch logs/ --include "*.log" --last 5m', what: 'a directory, the last five minutes first, new files as they appear' },
    { cmd: "logsift watch app.jsonl --where 'status>=500' | jq .message", what: 'JSON lines into jq' },
  ],
  uses: ['watch'],
  envelope: false,
  mcp: false,
  run: async (ctx) => {
    const sources = watchSources(ctx.args, ctx.options);
    const json = outputMode(ctx.options) === 'json';
    const render: RenderContext = { color: useColor(ctx.options), options: ctx.options, width: process.stdout.columns ?? 120 };
    const c = colors(render);
    const stop = new AbortController();
    const onSignal = (): void => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    ctx.signal.addEventListener('abort', onSignal, { once: true });
    const budget = new LineBudget(ctx.options);
    try {
      for await (const hit of watch(sources, toWatchOptions(ctx.options), { signal: stop.signal })) {
        const line = json ? jsonLine(hit, ctx.options) : `${c.dim(`${basename(hit.file)}:${hit.line}`)} ${renderEntry(hit as EntryLike, render)}\n`;
        if (!budget.take(line)) break;
        await ctx.write(line);
      }
    } catch (error) {
      if (!CancelledError.isInstance(error)) throw error;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const { lines: emitted, bytes, full } = budget;
    return { data: { emitted, bytes }, summary: { emitted, ...(full ? { truncated: { kept: emitted, reason: `--max-bytes ${String(ctx.options['maxBytes'])}` } } : {}) }, found: emitted > 0 };
  },
  text: () => '',
};
