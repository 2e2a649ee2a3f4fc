import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, outFlag } from '../flags.js';
import { formatCount, keyValues } from '../render.js';
import { loadSqliteExport } from '../sqlite-module.js';
import type { CommandDef } from '../spec.js';

const BATCH_SIZE = 5000;

/**
 * Writes every entry into a SQLite database (default; @logsift/sqlite-export is loaded only
 * then) or into Parquet files in the OpenTelemetry log model (the engine's own writer: no extra
 * package). `--to`, not `--format`: that is the log format of every source.
 */
export const exportCommand: CommandDef = {
  name: 'export',
  summary: 'Write every entry into a SQLite database (table entries) or Parquet files (otel_logs columns).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    outFlag('file.sqlite|dir', 'file, or directory (parquet)', true),
    { name: 'to', type: 'string', group: 'command', choices: ['sqlite', 'parquet'], default: 'sqlite', description: 'format' },
    { name: 'batch-size', type: 'integer', group: 'command', min: 1, valueName: 'n', default: BATCH_SIZE, description: 'rows per transaction', cliOnly: true },
    { name: 'partition', type: 'string', group: 'command', choices: ['hour', 'day'], description: 'a file per UTC hour/day' },
    { name: 'attributes', type: 'boolean', group: 'command', description: 'LogAttributes = all fields' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift export logs/ -o logs.sqlite', what: 'then: sqlite3 logs.sqlite "select level, count(*) from entries group by 1"' },
    { cmd: 'logsift export logs/ --to parquet -o out/ --partition day', what: 'then: duckdb -c "select SeverityText, count(*) from \'out/*.parquet\' group by 1"' },
  ],
  uses: ['open', '@logsift/sqlite-export exportToSqlite', 'exportToParquet'],
  writesFile: true,
  use: 'Use to hand the entries to SQL: SQLite (then sql) or Parquet (DuckDB, ClickHouse).',
  run: async (ctx) => {
    const o = ctx.options;
    const out = String(o['out']);
    if (o['to'] === 'parquet') {
      if (o['batchSize'] !== undefined && o['batchSize'] !== BATCH_SIZE) {
        throw new CliError('USAGE', '--batch-size applies to --to sqlite', 'drop --batch-size', 'batch-size');
      }
      const inv = await ctx.open();
      const partition = o['partition'] as 'hour' | 'day' | undefined;
      const result = await inv.exportToParquet(out, { ...(partition ? { partition } : {}), fields: o['attributes'] === true }, { signal: ctx.signal });
      return { data: result, summary: { rows: result.rows, files: result.files.length }, found: result.rows > 0 };
    }
    for (const f of ['partition', 'attributes'] as const) {
      if (o[f] !== undefined) throw new CliError('USAGE', `--${f} applies to --to parquet`, `add --to parquet or drop --${f}`, f);
    }
    const { exportToSqlite } = await loadSqliteExport('export');
    const inv = await ctx.open();
    const result = await exportToSqlite(inv, out, { batchSize: Number(o['batchSize'] ?? BATCH_SIZE) });
    return { data: result, summary: { rows: result.rows }, found: result.rows > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as { rows?: number; dbPath?: string; outDir?: string; files?: unknown[]; bytes?: number };
    if (d.outDir !== undefined) {
      return keyValues([['wrote', `${formatCount(d.rows ?? 0)} rows to ${d.files?.length ?? 0} Parquet files in ${d.outDir} (${formatCount(d.bytes ?? 0)} bytes)`]], ctx);
    }
    return keyValues([['wrote', `${formatCount(d.rows ?? 0)} rows to ${d.dbPath ?? '?'} (table entries)`]], ctx);
  },
};
