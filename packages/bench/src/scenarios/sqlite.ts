import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Investigation } from '@logsift/api';
import { method, Unavailable } from '../api-surface.js';
import { prepared, type Scenario, type ScenarioContext } from '../scenario.js';
import { generateSqliteTable, SQLITE_TABLE_MAPPING } from '../sqlite-table.js';

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

export const sqliteScenarios: Scenario[] = [
  {
    name: 'sqlite.export',
    suite: 'sqlite',
    title: 'export every entry of the JSON data into a fresh SQLite file',
    target: '≥ 300K rows/s; RSS growth ≤ 64 MB, flat in size',
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
