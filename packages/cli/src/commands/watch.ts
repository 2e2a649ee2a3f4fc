import { basename } from 'node:path';
import { CancelledError, watch, type WatchOptions } from '@logsift/api';
import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { outputMode, useColor } from '../output.js';
import { projectEntries } from '../project.js';
import { ALL_FIELDS_FLAG, toQuery } from '../query.js';
import { colors } from '../render.js';
import { renderEntry, type EntryLike } from '../render-entries.js';
import type { CommandDef, FlagDef, Options, RenderContext } from '../spec.js';

/** The source and query flags of a watch: files only (no --db), `--last` means where to start. */
export const WATCH_FLAGS: FlagDef[] = [
  ...SOURCE_FLAGS.filter((f) => !f.name.startsWith('db')),
  ...QUERY_FLAGS.filter((f) => f.name !== 'last'),
  { name: 'from-start', type: 'boolean', group: 'command', description: 'replay the files from their start first (default: start at their end)' },
  {
    name: 'last',
    type: 'string',
    group: 'command',
    valueName: 'span',
    description: "replay the last span first (5m, 1h): from each file's first record stamped since",
  },
  ALL_FIELDS_FLAG,
];

/** The flags as the api's watch options (the sources' open options, the query, the start). */
export function toWatchOptions(options: Options): WatchOptions {
  const { last: _queryLast, ...query } = toQuery(options);
  const o: WatchOptions = { ...query };
  if (options['fromStart'] === true) o.fromStart = true;
  if (typeof options['last'] === 'string') o.last = options['last'];
  if (options['allFields'] === true) o.fields = true;
  if (typeof options['format'] === 'string') o.format = options['format'];
  if (typeof options['timezone'] === 'string') o.timezone = options['timezone'];
  if (Array.isArray(options['include']) && options['include'].length > 0) o.include = options['include'];
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
  args: [{ ...SOURCES_ARG, description: 'log files, directories or globs to follow', required: true }],
  flags: [
    ...WATCH_FLAGS,
    { name: 'settle-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'quiet time after which a last record is complete (default 100)' },
    { name: 'polling', type: 'boolean', group: 'command', description: 'rescan every 250 ms instead of using filesystem notifications' },
    ...OUTPUT_FLAGS.filter((f) => f.name !== 'pretty' && f.name !== 'max-bytes'),
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
    if (ctx.args.includes('-')) throw new CliError('USAGE', 'stdin (-) cannot be watched', 'name files, directories or globs');
    const json = outputMode(ctx.options) === 'json';
    const fields = ctx.options['fields'] as string[] | undefined;
    const compact = ctx.options['compact'] === true;
    const render: RenderContext = { color: useColor(ctx.options), options: ctx.options, width: process.stdout.columns ?? 120 };
    const c = colors(render);
    const stop = new AbortController();
    const onSigint = (): void => stop.abort();
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
    ctx.signal.addEventListener('abort', onSigint, { once: true });
    let emitted = 0;
    try {
      for await (const hit of watch(ctx.args, toWatchOptions(ctx.options), { signal: stop.signal })) {
        emitted += 1;
        if (json) {
          await ctx.write(`${JSON.stringify((projectEntries([hit], fields, compact) as unknown[])[0])}\n`);
        } else {
          const where = c.dim(`${basename(hit.file)}:${hit.line}`);
          await ctx.write(`${where} ${renderEntry(hit as EntryLike, render)}\n`);
        }
      }
    } catch (error) {
      if (!CancelledError.isInstance(error)) throw error;
    } finally {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    }
    return { data: { emitted }, summary: { emitted }, found: emitted > 0 };
  },
  text: () => '',
};
