import { CliError } from '../envelope.js';
import { JSON_TEXT_FLAGS, OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, outFlag } from '../flags.js';
import { formatCount, keyValues } from '../render.js';
import { dbSource } from '../sources.js';
import { loadSqliteExport, parseMapping } from '../sqlite-module.js';
import type { CommandDef } from '../spec.js';

/** The rows of a logsift export (or a mapped table) as JSON lines, on stdout or into --out. */
export const dbToJsonlCommand: CommandDef = {
  name: 'db-to-jsonl',
  summary: 'Stream the entries of a SQLite database (a logsift export, or any table with --db-mapping) as JSON lines.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    outFlag('file.jsonl', 'write the JSON lines to this file (and print the envelope) instead of stdout'),
    ...JSON_TEXT_FLAGS,
    ...OUTPUT_FLAGS.filter((f) => f.name === 'pretty' || f.name === 'no-color'),
  ],
  examples: [
    { cmd: 'logsift db-to-jsonl --db logs.sqlite > logs.jsonl', what: 'an export back to JSON lines' },
    { cmd: `logsift db-to-jsonl --db app.db --db-mapping '{"table":"events","timestamp":{"column":"ts"}}' -o events.jsonl`, what: 'any table, through a mapping, into a file' },
  ],
  uses: ['@logsift/sqlite-export dbToJsonl'],
  writesFile: true,
  // JSON lines on stdout; with --out stdout is free for the envelope.
  envelope: (options) => typeof options['out'] === 'string',
  mcp: false,
  run: async (ctx) => {
    const db = dbSource(ctx.args, ctx.options);
    if (!db) {
      const hint = ctx.args.length === 1 ? `logsift db-to-jsonl --db ${ctx.args[0]}` : 'for log files use: logsift emit FILES';
      throw new CliError('USAGE', 'db-to-jsonl reads a SQLite database given with --db', hint);
    }
    if (db.timezone !== undefined && db.timezone !== 'UTC') throw new CliError('USAGE', 'db-to-jsonl copies timestamps as stored: --timezone does not apply', 'drop --timezone', 'timezone');
    const mapping = parseMapping(db.mapping);
    const { dbToJsonl } = await loadSqliteExport('db-to-jsonl');
    const out = ctx.options['out'];
    const result = await dbToJsonl(db.path, typeof out === 'string' ? out : process.stdout, mapping, { signal: ctx.signal });
    return { data: { ...result, ...(typeof out === 'string' ? { out } : {}) }, summary: { rows: result.rows }, found: result.rows > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as { rows?: number; bytes?: number; out?: string };
    return keyValues([['wrote', `${formatCount(d.rows ?? 0)} rows (${formatCount(d.bytes ?? 0)} bytes) to ${d.out ?? 'stdout'}`]], ctx);
  },
};
