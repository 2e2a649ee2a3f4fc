import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Investigation } from '@logsift/api';
import { method, Unavailable } from '../api-surface.js';
import { prepared, SkipScenario, type Scenario, type ScenarioContext } from '../scenario.js';
import { generateSqliteTable, SQLITE_TABLE_MAPPING } from '../sqlite-table.js';
import Database from 'better-sqlite3';

type SqliteModule = Record<string, unknown>;
type ExportFn = (inv: Investigation, dbPath: string, options?: object) => Promise<{ rows?: number }>;
type DbToJsonlFn = (db: string, out: string, mapping?: object) => Promise<unknown>;

/** @logsift/sqlite-export, loaded only when a SQLite scenario runs (it is an optional install). */
async function sqliteModule(): Promise<SqliteModule> {
  try {
    return (await import('@logsift/sqlite-export')) as SqliteModule;
  } catch {
    throw new Unavailable('@logsift/sqlite-export is not installed');
  }
}

function fn<F>(mod: SqliteModule, name: string): F {
  const f = mod[name];
  if (typeof f !== 'function') throw new Unavailable(`@logsift/sqlite-export ${name}()`);
  return f as F;
}

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { force: true });
}

let sourceDb: Promise<string> | undefined;
/** One export of the JSON data, made once per process, that the source scenarios read. */
function exportedDb(ctx: ScenarioContext): Promise<string> {
  sourceDb ??= (async () => {
    const exportToSqlite = fn<ExportFn>(await sqliteModule(), 'exportToSqlite');
    const path = join(ctx.workDir, `source-${process.pid}.sqlite`);
    removeDb(path);
    await exportToSqlite(await ctx.investigation('json'), path);
    return path;
  })();
  return sourceDb;
}

let tableDb: Promise<string> | undefined;
/** An application-shaped table (epoch ms, numeric severities, JSON `data`) from the generator. */
function generatedTable(ctx: ScenarioContext): Promise<string> {
  tableDb ??= (async () => {
    const path = join(ctx.workDir, `table-${process.pid}.sqlite`);
    removeDb(path);
    await generateSqliteTable(path, { entries: ctx.data.files.json.entries, seed: ctx.seed });
    return path;
  })();
  return tableDb;
}

type OpenSqliteFn = (dbPath: string, mapping?: object) => Promise<Investigation>;

/** Opens a SQLite database as a log source (`openSqlite` of @logsift/sqlite-export). */
async function openDb(path: string): Promise<Investigation> {
  return fn<OpenSqliteFn>(await sqliteModule(), 'openSqlite')(path);
}

/** Measures opening a SQLite source and counting a query over it (the source scenarios). */
function openAndCount(ctx: ScenarioContext, openSource: () => Promise<Investigation>, args: Record<string, unknown>) {
  return prepared<{ inv: Investigation; total: unknown }>({
    run: async () => {
      const inv = await openSource();
      const r = (await method(inv, 'count')(args)) as { total?: number };
      return { inv, total: r.total };
    },
    release: ({ inv }) => inv.close(),
    gcBetweenRuns: true,
    units: { entries: ctx.data.files.json.entries },
    inputs: args,
    describe: (r) => ({ total: r.total }),
  });
}

let runNumber = 0;

/**
 * The engine's `sqlite_ceiling` program (a release build beside the addon): SQLite's own
 * insert loop, indexes and FTS for the rows of an export, timed without any logsift code.
 */
function ceilingBin(): string {
  // core-native is api's dependency, not ours: resolved from api.
  const fromApi = createRequire(fileURLToPath(import.meta.resolve('@logsift/api')));
  const pkg = dirname(fromApi.resolve('@logsift/core-native/package.json'));
  const candidates = [join(pkg, 'target', 'release', 'sqlite_ceiling'), join(pkg, 'core-native', 'target', 'release', 'sqlite_ceiling')];
  const bin = candidates.find((c) => existsSync(c));
  if (!bin) throw new SkipScenario('build it: cd packages/core-native && cargo build --release -p logsift-engine --bin sqlite_ceiling');
  return bin;
}

interface Ceiling {
  rows: number;
  insertMs: number;
  indexMs: number;
  ftsMs: number;
  totalMs: number;
}

/** The GROUP BY both SQL scenarios run: errors per service per minute (export column names). */
export const SQL_GROUP_BY =
  "SELECT service, strftime('%Y-%m-%d %H:%M', time) AS minute, count(*) AS n FROM entries WHERE severity >= 17 GROUP BY service, minute";

export const sqliteScenarios: Scenario[] = [
  {
    name: 'sqlite.export',
    suite: 'sqlite',
    title: 'export every entry of the JSON data into a fresh SQLite file',
    target: 'within 1.5× of the SQLite ceiling (sqlite.export-ceiling); RSS growth ≤ 64 MB, flat in size',
    setup: async (ctx) => {
      const exportToSqlite = fn<ExportFn>(await sqliteModule(), 'exportToSqlite');
      const inv = await ctx.investigation('json');
      return prepared<{ path: string; rowsMs: number; finishMs: number }>({
        run: async () => {
          const path = join(ctx.workDir, `export-${process.pid}-${runNumber++}.sqlite`);
          // The two phases apart: rows streamed in (until the last batch's progress), then the
          // secondary indexes and the FTS index built over them.
          const start = performance.now();
          let lastBatch = start;
          await exportToSqlite(inv, path, { onProgress: () => (lastBatch = performance.now()) });
          return { path, rowsMs: lastBatch - start, finishMs: performance.now() - lastBatch };
        },
        release: (r) => removeDb(r.path),
        units: { entries: ctx.data.files.json.entries },
        describe: (r) => ({
          rowsPhaseMs: Math.round(r.rowsMs),
          rowsPhaseRowsPerS: Math.round(ctx.data.files.json.entries / (r.rowsMs / 1000)),
          indexesAndFtsMs: Math.round(r.finishMs),
        }),
      });
    },
  },
  {
    name: 'sqlite.export-ceiling',
    suite: 'sqlite',
    title: "the whole default export, then SQLite's own ceiling for the same rows (bare insert loop + the same indexes and FTS)",
    target: 'export time ≤ 1.5 × the ceiling (issue #19 item 5)',
    setup: async (ctx) => {
      const exportToSqlite = fn<ExportFn>(await sqliteModule(), 'exportToSqlite');
      const bin = ceilingBin();
      const inv = await ctx.investigation('json');
      return prepared<{ paths: string[]; exportMs: number; rowsMs: number; ceiling: Ceiling }>({
        run: async () => {
          const path = join(ctx.workDir, `ceiling-src-${process.pid}-${runNumber++}.sqlite`);
          const out = `${path}.ceiling.sqlite`;
          const start = performance.now();
          let lastBatch = start;
          await exportToSqlite(inv, path, { onProgress: () => (lastBatch = performance.now()) });
          const exportMs = performance.now() - start;
          const rowsMs = lastBatch - start;
          // Back to back on the same rows: the ratio is measured within one run.
          const r = spawnSync(bin, [path, out], { encoding: 'utf8' });
          if (r.status !== 0) throw new Error(`sqlite_ceiling failed: ${r.stderr}`);
          return { paths: [path, out], exportMs, rowsMs, ceiling: JSON.parse(r.stdout) as Ceiling };
        },
        release: (r) => r.paths.forEach(removeDb),
        units: { entries: ctx.data.files.json.entries },
        describe: (r) => ({
          exportMs: Math.round(r.exportMs),
          exportRowsPerS: Math.round(r.ceiling.rows / (r.exportMs / 1000)),
          // The export's two phases: rows (to the last batch), then indexes with the FTS index
          // built beside them; against the ceiling's indexes then FTS, one after the other.
          exportRowsPhaseMs: Math.round(r.rowsMs),
          exportIndexesAndFtsMs: Math.round(r.exportMs - r.rowsMs),
          ceilingMs: Math.round(r.ceiling.totalMs),
          ceilingInsertMs: Math.round(r.ceiling.insertMs),
          ceilingIndexAndFtsMs: Math.round(r.ceiling.indexMs),
          ceilingFtsMs: Math.round(r.ceiling.ftsMs),
          ceilingRowsPerS: Math.round(r.ceiling.rows / (r.ceiling.totalMs / 1000)),
          ratio: Number((r.exportMs / r.ceiling.totalMs).toFixed(2)),
        }),
      });
    },
  },
  {
    name: 'sqlite.sql-vtab-group-by',
    suite: 'sqlite',
    title: 'SQL GROUP BY over the index (the entries virtual table, no export)',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const sql = method(inv, 'sql');
      return prepared<{ rows: unknown[] }>({
        run: async () => (await sql(SQL_GROUP_BY, { maxRows: 1_000_000 })) as { rows: unknown[] },
        units: { entries: ctx.data.files.json.entries },
        inputs: { sql: SQL_GROUP_BY },
        describe: (r) => ({ groups: r.rows.length }),
      });
    },
  },
  {
    name: 'sqlite.sql-export-group-by',
    suite: 'sqlite',
    title: 'the same GROUP BY the old way: export to SQLite, then query it with better-sqlite3',
    setup: async (ctx) => {
      const exportToSqlite = fn<ExportFn>(await sqliteModule(), 'exportToSqlite');
      const inv = await ctx.investigation('json');
      return prepared<{ path: string; groups: number }>({
        run: async () => {
          const path = join(ctx.workDir, `sql-export-${process.pid}-${runNumber++}.sqlite`);
          await exportToSqlite(inv, path);
          const db = new Database(path, { readonly: true });
          const groups = db.prepare(SQL_GROUP_BY).all().length;
          db.close();
          return { path, groups };
        },
        release: (r) => removeDb(r.path),
        units: { entries: ctx.data.files.json.entries },
        inputs: { sql: SQL_GROUP_BY },
        describe: (r) => ({ groups: r.groups }),
      });
    },
  },
  {
    name: 'sqlite.source-open-count',
    suite: 'sqlite',
    title: 'open an exported SQLite file as a source and count a word',
    setup: async (ctx) => {
      const db = await exportedDb(ctx);
      const probe = await openDb(db);
      method(probe, 'count');
      probe.close();
      return openAndCount(ctx, () => openDb(db), { text: ctx.probes.term17?.term ?? ctx.probes.noMatch });
    },
  },
  {
    name: 'sqlite.source-table-mapped',
    suite: 'sqlite',
    title: "open an application's own SQLite table through a mapping and count errors",
    setup: async (ctx) => {
      const open = fn<OpenSqliteFn>(await sqliteModule(), 'openSqlite');
      const db = await generatedTable(ctx);
      return openAndCount(ctx, () => open(db, SQLITE_TABLE_MAPPING), { level: 'error' });
    },
  },
  {
    name: 'sqlite.db-to-jsonl',
    suite: 'sqlite',
    title: 'stream an exported SQLite file back out as JSON lines',
    target: 'RSS growth ≤ 64 MB, flat in size',
    setup: async (ctx) => {
      const dbToJsonl = fn<DbToJsonlFn>(await sqliteModule(), 'dbToJsonl');
      const db = await exportedDb(ctx);
      const out = join(ctx.workDir, `db-to-jsonl-${process.pid}.jsonl`);
      return prepared<unknown>({
        run: () => dbToJsonl(db, out),
        release: () => rmSync(out, { force: true }),
        units: { entries: ctx.data.files.json.entries },
      });
    },
  },
];
