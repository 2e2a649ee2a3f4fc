import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, outFlag } from '../flags.js';
import { formatCount, keyValues } from '../render.js';
import { loadSqliteExport } from '../sqlite-module.js';
import type { CommandDef } from '../spec.js';

/** Writes every entry into a SQLite database; @logsift/sqlite-export is loaded only here. */
export const exportCommand: CommandDef = {
  name: 'export',
  summary: 'Write every entry into a SQLite database (table entries).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    outFlag('file.sqlite', 'the database file to write', true),
    { name: 'batch-size', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 5000, description: 'rows per transaction' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift export logs/ -o logs.sqlite', what: 'then: sqlite3 logs.sqlite "select level, count(*) from entries group by 1"' },
  ],
  uses: ['open', '@logsift/sqlite-export exportToSqlite'],
  writesFile: true,
  use: 'Use to hand the entries to SQL: writes them to a SQLite file (then sql).',
  run: async (ctx) => {
    const { exportToSqlite } = await loadSqliteExport('export');
    const inv = await ctx.open();
    const result = await exportToSqlite(inv, String(ctx.options['out']), { batchSize: Number(ctx.options['batchSize'] ?? 5000) });
    return { data: result, summary: { rows: result.rows }, found: result.rows > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as { rows?: number; dbPath?: string };
    return keyValues([['wrote', `${formatCount(d.rows ?? 0)} rows to ${d.dbPath ?? '?'} (table entries)`]], ctx);
  },
};
