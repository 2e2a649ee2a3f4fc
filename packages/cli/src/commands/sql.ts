import { OUTPUT_FLAGS } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

interface SqlData {
  columns: string[];
  rows: unknown[][];
  truncated: boolean;
}

/** A read-only SQL query over a database written by `logsift export` (or any SQLite file). */
export const sqlCommand: CommandDef = {
  name: 'sql',
  summary: 'Run one read-only SQL query (SELECT / WITH) over a SQLite database, e.g. one written by export.',
  args: [
    { name: 'db', description: 'the SQLite database file', required: true },
    { name: 'query', description: 'the SELECT statement', required: true },
  ],
  flags: [{ name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 1000, description: 'at most n rows' }, ...OUTPUT_FLAGS],
  examples: [{ cmd: 'logsift sql logs.sqlite "select level, count(*) n from entries group by level"', what: 'levels of an exported investigation' }],
  uses: ['@logsift/sqlite-export sqlQuery'],
  run: async (ctx) => {
    const { sqlQuery } = await import('@logsift/sqlite-export');
    const [db = '', query = ''] = ctx.args;
    const result = sqlQuery(db, query, [], { limit: Number(ctx.options['limit']) });
    return { data: result, summary: { rows: result.rows.length, truncated: result.truncated }, found: result.rows.length > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as Partial<SqlData>;
    const c = colors(ctx);
    return [table(d.columns ?? [], (d.rows ?? []).map((r) => r.map((v) => (v === null ? c.dim('null') : String(v)))), ctx), c.dim(`${formatCount(d.rows?.length ?? 0)} rows${d.truncated ? ' (more exist: raise --limit)' : ''}`)].join('\n');
  },
};
