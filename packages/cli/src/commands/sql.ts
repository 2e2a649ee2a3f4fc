import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import { dbSource } from '../sources.js';
import { loadSqliteExport } from '../sqlite-module.js';
import type { CommandDef } from '../spec.js';

interface SqlData {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
}

/** A read-only SQL query over a database given with --db (a logsift export or any SQLite file). */
export const sqlCommand: CommandDef = {
  name: 'sql',
  summary: 'Run one read-only SQL query (SELECT / WITH) over a SQLite database given with --db, e.g. one written by export.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'query', short: 'q', type: 'string', group: 'command', valueName: 'sql', description: 'the SELECT (or WITH) statement (needed)' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 1000, description: 'at most n rows' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift sql --db logs.sqlite -q "select level, count(*) n from entries group by level"', what: 'levels of an exported investigation' }],
  uses: ['@logsift/sqlite-export sqlQuery'],
  use: 'Use for joins or GROUP BY over a SQLite file from export (one read-only SELECT).',
  run: async (ctx) => {
    const db = dbSource(ctx.args, ctx.options);
    if (!db) {
      // The old form was `sql <db> <query>`: say what to write instead of guessing.
      const old = ctx.args.length === 2 ? `logsift sql --db ${ctx.args[0]} -q '…'` : 'logsift export FILES -o logs.sqlite, then logsift sql --db logs.sqlite -q …';
      throw new CliError('USAGE', 'sql reads a SQLite database given with --db (not log files, not a positional path)', old);
    }
    if (db.mapping !== undefined) throw new CliError('USAGE', 'sql queries the tables as they are: --db-mapping does not apply', 'drop --db-mapping', 'db-mapping');
    if (db.timezone !== undefined && db.timezone !== 'UTC') throw new CliError('USAGE', 'sql returns values as stored: --timezone does not apply', 'drop --timezone', 'timezone');
    // Not a commander-required flag: the old positional form must reach the hint above first.
    const query = ctx.options['query'];
    if (typeof query !== 'string') throw new CliError('USAGE', 'sql needs the statement: -q "SELECT …"', `logsift sql --db ${db.path} -q 'select count(*) from entries'`, 'query');
    const { sqlQuery } = await loadSqliteExport('sql');
    const result = sqlQuery(db.path, query, [], { limit: Number(ctx.options['limit']) });
    return { data: result, summary: { rows: result.rows.length, truncated: result.truncated }, found: result.rows.length > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as Partial<SqlData>;
    const c = colors(ctx);
    return [table(d.columns ?? [], (d.rows ?? []).map((r) => r.map((v) => (v === null ? c.dim('null') : String(v)))), ctx), c.dim(`${formatCount(d.rows?.length ?? 0)} rows${d.truncated ? ' (more exist: raise --limit)' : ''}`)].join('\n');
  },
};
