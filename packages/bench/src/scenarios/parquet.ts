import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Investigation } from '@logsift/api';
import { method } from '../api-surface.js';
import { prepared, SkipScenario, type Scenario, type ScenarioContext } from '../scenario.js';

type ExportResult = { rows: number; bytes: number; files: { path: string }[] };

function exporter(inv: Investigation): (outDir: string, options?: object) => Promise<ExportResult> {
  const f = method(inv, 'exportToParquet');
  return async (outDir, options = {}) => (await f(outDir, options)) as ExportResult;
}

/** Bytes of a SQLite export of the same data (for the size comparison), when the exporter is installed. */
async function sqliteBytes(ctx: ScenarioContext, inv: Investigation): Promise<number | undefined> {
  let mod: Record<string, unknown>;
  try {
    mod = (await import('@logsift/sqlite-export')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const exportToSqlite = mod['exportToSqlite'] as (inv: Investigation, path: string) => Promise<unknown>;
  const path = join(ctx.workDir, `parquet-size-${process.pid}.sqlite`);
  rmSync(path, { force: true });
  await exportToSqlite(inv, path);
  const size = [path, `${path}-wal`].filter(existsSync).reduce((n, p) => n + statSync(p).size, 0);
  for (const s of ['', '-wal', '-shm']) rmSync(`${path}${s}`, { force: true });
  return size;
}

/** The chDB query script (Python), beside the package's dist/ and src/. */
const CHDB_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), '..', 'scripts', 'chdb-query.py');
const CHDB_SCRIPT_SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'chdb-query.py');

/** Runs SQL with chDB over the files of `glob`; SkipScenario when python3 or chdb is missing. */
export function chdbQuery(glob: string, queries: Record<string, string>): { version: string; answers: Record<string, Record<string, unknown>[]> } {
  const script = existsSync(CHDB_SCRIPT) ? CHDB_SCRIPT : CHDB_SCRIPT_SRC;
  const r = spawnSync('python3', [script], { input: JSON.stringify({ source: glob, queries }), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) throw new SkipScenario(`python3 is not installed (${r.error.message})`);
  if (r.status === 3) throw new SkipScenario('chdb is not installed (pip install chdb)');
  if (r.status !== 0) throw new Error(`chdb-query.py failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as { version: string; answers: Record<string, Record<string, unknown>[]> };
}

/**
 * The SQL of docs/scale-out.md for search, count and follow, over `otel_logs` as the Parquet
 * files (`{src}`), with what logsift answers for the same question.
 */
async function questions(inv: Investigation): Promise<{ sql: Record<string, string>; logsift: Record<string, unknown> }> {
  const ids = (await method(inv, 'ids')({ kind: 'request', limit: 1 })) as { kinds: { ids: { id: string }[] }[] };
  const request = ids.kinds[0]?.ids[0]?.id;
  if (request === undefined) throw new SkipScenario('no request id in the data');
  const count = method(inv, 'count');
  const errors = (await count({ minLevel: 'error' })) as { total: number };
  const word = (await count({ text: 'timeout' })) as { total: number };
  const byLevel = (await count({ aggregate: ['level', 'service'] })) as { aggregations: { level: Record<string, number>; service: [string, number][] } };
  const follow = (await method(inv, 'follow')(request, { limit: 5 })) as { total: number; entryIds: number[] };
  const entries = (await method(inv, 'entries')(follow.entryIds)) as { message: string }[];
  const stats = (await method(inv, 'stats')()) as { entries: number };
  const q = request.replace(/'/g, "''");
  return {
    sql: {
      total: 'SELECT count() AS n FROM {src}',
      errors: 'SELECT count() AS n FROM {src} WHERE SeverityNumber >= 17',
      search: "SELECT count() AS n FROM {src} WHERE positionCaseInsensitiveUTF8(Body, 'timeout') > 0",
      levels: "SELECT multiIf(SeverityNumber = 0, 'NONE', SeverityNumber <= 4, 'TRACE', SeverityNumber <= 8, 'DEBUG', SeverityNumber <= 12, 'INFO', SeverityNumber <= 16, 'WARN', SeverityNumber <= 20, 'ERROR', 'FATAL') AS level, count() AS n FROM {src} GROUP BY level ORDER BY level",
      services: 'SELECT ServiceName AS service, count() AS n FROM {src} GROUP BY service ORDER BY n DESC, service',
      follow: `SELECT count() OVER () AS total, Body FROM {src} WHERE '${q}' IN (RequestId, TraceId, SpanId, ThreadId) ORDER BY Timestamp, File, Line LIMIT 5`,
    },
    logsift: {
      total: stats.entries,
      errors: errors.total,
      search: word.total,
      levels: Object.entries(byLevel.aggregations.level).sort(([a], [b]) => (a < b ? -1 : 1)),
      services: [...byLevel.aggregations.service].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
      follow: { total: follow.total, first: entries.map((e) => e.message) },
      request,
    },
  };
}

/** chDB's answers in the shape of logsift's, and whether each equals. */
function compare(logsift: Record<string, unknown>, answers: Record<string, Record<string, unknown>[]>): Record<string, unknown> {
  const n = (name: string) => Number(answers[name]?.[0]?.['n']);
  const chdb: Record<string, unknown> = {
    total: n('total'),
    errors: n('errors'),
    search: n('search'),
    levels: (answers['levels'] ?? []).map((r) => [r['level'], Number(r['n'])]),
    services: (answers['services'] ?? []).map((r) => [r['service'], Number(r['n'])]),
    follow: { total: Number(answers['follow']?.[0]?.['total'] ?? 0), first: (answers['follow'] ?? []).map((r) => r['Body']) },
  };
  const same = Object.fromEntries(Object.keys(chdb).map((k) => [k, JSON.stringify(chdb[k]) === JSON.stringify(logsift[k])]));
  return { same, chdb, logsift };
}

let runNumber = 0;

export const parquetScenarios: Scenario[] = [
  {
    name: 'parquet.export',
    suite: 'output',
    title: 'export every entry of the JSON data as Parquet (otel_logs columns, zstd)',
    target: '≥ 1M rows/s; RSS growth ≤ 64 MB, flat in size',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const write = exporter(inv);
      const json = ctx.data.files.json;
      return prepared<{ dir: string; r: ExportResult }>({
        run: async () => {
          const dir = join(ctx.workDir, `parquet-${process.pid}-${runNumber++}`);
          return { dir, r: await write(dir) };
        },
        release: ({ dir }) => rmSync(dir, { recursive: true, force: true }),
        gcBetweenRuns: true,
        units: { entries: json.entries },
        describe: async ({ r }) => {
          const sqlite = await sqliteBytes(ctx, inv);
          return {
            files: r.files.length,
            bytes: r.bytes,
            bytesPerRow: +(r.bytes / r.rows).toFixed(1),
            rawBytesPerRow: +(json.bytes / json.entries).toFixed(1),
            ...(sqlite === undefined ? {} : { sqliteBytesPerRow: +(sqlite / r.rows).toFixed(1) }),
          };
        },
      });
    },
  },
  {
    name: 'parquet.chdb-check',
    suite: 'output',
    title: 'chDB (ClickHouse) reads the export: counts, search and follow SQL of docs/scale-out.md equal logsift',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const dir = join(ctx.workDir, `parquet-chdb-${process.pid}`);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(ctx.workDir, { recursive: true });
      await exporter(inv)(dir, { partition: 'hour' });
      const { sql, logsift } = await questions(inv);
      // Fails here (SkipScenario) rather than in the timed run when chdb is missing.
      chdbQuery(`${dir}/*.parquet`, { total: sql['total'] as string });
      return prepared<ReturnType<typeof chdbQuery>>({
        run: () => chdbQuery(`${dir}/*.parquet`, sql),
        units: { entries: ctx.data.files.json.entries },
        inputs: { request: logsift['request'] },
        describe: (r) => ({ chdbVersion: r.version, ...compare(logsift, r.answers) }),
        teardown: () => rmSync(dir, { recursive: true, force: true }),
      });
    },
  },
];
