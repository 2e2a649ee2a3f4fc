import { sqlDatabase, type SqlResult } from '@logsift/api';
import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import { dbSource } from '../sources.js';
import type { CommandDef } from '../spec.js';

/**
 * One read-only SQL query: over log files, the table `entries` read straight from the index
 * (no export); over `--db`, the database's own tables. Both run in the engine's SQLite.
 */
export const sqlCommand: CommandDef = {
  name: 'sql',
  summary: 'Run one read-only SQL query (SELECT / WITH): over log files the table entries, read from the index (no export); over --db the database\'s tables.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'query', short: 'q', type: 'string', group: 'command', valueName: 'sql', description: 'the SELECT; table entries, field(id,name), percentile(x,p)' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 1000, description: 'at most n rows' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift sql logs/ -q "select service, count(*) n from entries where severity >= 17 group by service"', what: 'errors per service' },
    { cmd: "logsift sql app.log -q \"select service, percentile(field(id,'duration_ms'),95) p95 from entries group by service\"", what: 'p95 of a field by service' },
    { cmd: 'logsift sql --db logs.sqlite -q "select level, count(*) n from entries group by level"', what: 'levels of an exported investigation' },
  ],
  uses: ['open', 'Investigation.sql', 'sqlDatabase'],
  use: 'Use for GROUP BY, joins or percentiles over entries (one read-only SELECT).',
  run: async (ctx) => {
    const db = dbSource(ctx.args, ctx.options);
    // Not a commander-required flag: the old positional form `sql <db> <query>` reaches this
    // hint first instead of an error about a missing -q.
    const query = ctx.options['query'];
    if (typeof query !== 'string') {
      const hint = !db && ctx.args.length === 2 ? `logsift sql --db ${ctx.args[0]} -q '…'` : `logsift sql ${db ? `--db ${db.path}` : 'FILES'} -q 'select count(*) from entries'`;
      throw new CliError('USAGE', 'sql needs the statement: -q "SELECT …"', hint, 'query');
    }
    const options = { maxRows: Number(ctx.options['limit']) };
    let result: SqlResult;
    if (db) {
      if (db.mapping !== undefined) throw new CliError('USAGE', 'sql --db queries the tables as they are: --db-mapping does not apply', 'drop --db-mapping', 'db-mapping');
      if (db.timezone !== undefined && db.timezone !== 'UTC') throw new CliError('USAGE', 'sql --db returns values as stored: --timezone does not apply', 'drop --timezone', 'timezone');
      result = await sqlDatabase(db.path, query, options, { signal: ctx.signal });
    } else {
      const inv = await ctx.open();
      result = await inv.sql(query, options, { signal: ctx.signal });
    }
    return { data: result, summary: { rows: result.rows.length, truncated: result.truncated }, found: result.rows.length > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as Partial<SqlResult>;
    const c = colors(ctx);
    return [table(d.columns ?? [], (d.rows ?? []).map((r) => r.map((v) => (v === null ? c.dim('null') : String(v)))), ctx), c.dim(`${formatCount(d.rows?.length ?? 0)} rows${d.truncated ? ' (more exist: raise --limit)' : ''}`)].join('\n');
  },
};
