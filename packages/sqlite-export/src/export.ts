import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, SQLITE_SINK_DEFAULTS as SINK, UsageError, type FileStats, type Investigation, type Query } from '@logsift/api';
import Database from 'better-sqlite3';
import { fromSqlite, isBusy } from './errors.js';
import { createTables, dropOwnTables, finishIndexes, FTS_CREATE, FTS_INSERT, FTS_SYNCED, FTS_TABLE, getMeta, hasTable, INDEXES, SCHEMA_VERSION, setMeta } from './schema.js';

/** The scope of a query export: @logsift/api's `Query`. */
export type ExportQuery = Query;

/** What to export: a whole investigation, or the entries of one matching a query. */
export type ExportSource = Investigation | { investigation: Investigation; query: ExportQuery };

export interface ExportProgress {
  /** Entries handled by this run (inserted or already present). */
  rows: number;
  /** Rows actually inserted by this run. */
  inserted: number;
  /** Entries already committed by an earlier, interrupted run of the same export. */
  resumed: number;
  /** Entries in the source (or matching the query). */
  total: number;
  batches: number;
}

export interface ExportOptions {
  /** `append` (default) adds to the tables; `replace` drops logsift's tables first. */
  mode?: 'append' | 'replace';
  /** Entries per engine fetch and per transaction (default 5000, at most 100000). */
  batchSize?: number;
  /** Fetched batches waiting for the writer (default 2); the reader waits when it is full. */
  queueSize?: number;
  /** Build the FTS5 index `entries_fts` on the message (default true). */
  fts?: boolean;
  /** Store each entry's fields as JSON in `entries.fields` (default true). */
  fields?: boolean;
  /** Continue an interrupted export of the same source from its progress marker (default true). */
  resume?: boolean;
  /** Attempts per batch when the database is busy (default 5), with doubling delays. */
  retries?: number;
  retryDelayMs?: number;
  /** SQLite's own wait for a lock before reporting busy (default 2000 ms). */
  busyTimeoutMs?: number;
  onProgress?: (progress: ExportProgress) => void;
  signal?: AbortSignal;
}

export interface ExportResult {
  dbPath: string;
  /** Entries handled by this run. */
  rows: number;
  /** Rows inserted by this run (the rest were already in the database). */
  inserted: number;
  /** Entries committed by an earlier interrupted run and skipped by this one. */
  resumed: number;
  total: number;
  batches: number;
  /** Identifies the source (files with size and mtime, and the query) in `export_progress`. */
  sourceKey: string;
  /** True when the same source was already fully exported and nothing had to be done. */
  upToDate: boolean;
}

const OPTION_KEYS = new Set([
  'mode', 'batchSize', 'queueSize', 'fts', 'fields', 'resume', 'retries', 'retryDelayMs', 'busyTimeoutMs', 'onProgress', 'signal',
]);

/** Page size of a new export database, in bytes. */
const PAGE_SIZE = 16_384;

/** Page cache of the export connections (ours and the native writer's), in KiB. */
const CACHE_KB = SINK.cacheKb;

const require = createRequire(import.meta.url);
const VERSION = (require('../package.json') as { version: string }).version;

const COLUMNS = `file_id, file, line, offset, timestamp_ns, time, severity, level, level_text, message,
   thread, request, trace, span, parent_span, service, component, raw, fields_json`;
/**
 * The row INSERT for the native writer (`Investigation.writeSqliteRows`), which binds the 19
 * parameters in the order of `COLUMNS`. `OR IGNORE`: re-exported rows hit the unique key
 * (file, byte offset) and are skipped, never duplicated.
 */
const INSERT_SQL = `INSERT OR IGNORE INTO entries (${COLUMNS}) VALUES (${Array.from({ length: 19 }, (_, i) => `?${i + 1}`).join(', ')})`;

/** The marker update run in each batch's transaction (?1 = last entry id, ?2 = rows). */
function markSql(sourceKey: string): string {
  // The key is our own hex digest: safe to inline (the writer binds only ?1 and ?2).
  if (!/^[0-9a-f]+$/.test(sourceKey)) throw new Error(`unexpected source key ${sourceKey}`);
  return `UPDATE export_progress SET last_id = ?1, rows = rows + ?2, updated = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE source_key = '${sourceKey}'`;
}

/**
 * Streams entries into a SQLite database (schema in the README): the engine writes them
 * natively (`Investigation.writeSqliteRows`), fetching the next batch while it commits the
 * previous one; each batch is one transaction together with
 * its progress marker, so a killed export leaves only complete batches and the next run
 * resumes where it stopped. Re-exporting the same files adds no duplicates (unique key:
 * file + byte offset).
 */
export async function exportToSqlite(source: ExportSource, dbPath: string, options: ExportOptions = {}): Promise<ExportResult> {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new UsageError('INVALID_OPTION', `unknown export option '${key}'`, key);
  }
  const inv = 'investigation' in source ? source.investigation : source;
  const query = 'investigation' in source ? source.query : undefined;
  const opt = {
    mode: options.mode ?? 'append',
    batchSize: positiveInt(options.batchSize ?? SINK.batchSize, 'batchSize'),
    queueSize: positiveInt(options.queueSize ?? SINK.queueSize, 'queueSize'),
    fts: options.fts ?? true,
    fields: options.fields ?? true,
    resume: options.resume ?? true,
    retries: positiveInt(options.retries ?? SINK.retries, 'retries'),
    retryDelayMs: options.retryDelayMs ?? SINK.retryDelayMs,
    busyTimeoutMs: options.busyTimeoutMs ?? SINK.busyTimeoutMs,
  };
  if (opt.mode !== 'append' && opt.mode !== 'replace') {
    throw new UsageError('INVALID_OPTION', `mode must be 'append' or 'replace', got '${String(opt.mode)}'`, 'mode');
  }
  const signal = options.signal;
  const stats = await inv.stats({ signal });
  const files = stats.files.map((f) => ({ ...f, resolved: resolve(f.path), mtime: mtimeOf(f.path) }));
  const sourceKey = keyOf(files, query);
  const total = query ? (await inv.count(query, { signal })).total : stats.entries;
  const retrying = <T>(what: string, fn: () => T): Promise<T> => withRetries(what, fn, opt, dbPath, signal);

  const progress: ExportProgress = { rows: 0, inserted: 0, resumed: 0, total, batches: 0 };
  // Phase 1 (better-sqlite3): schema, files, the progress marker. The connection is closed
  // before the native writer opens the file: two SQLite libraries in one process must not
  // hold the same database at once (POSIX locks are per process, not per library).
  const setup = await withDb(dbPath, opt.busyTimeoutMs, async (db) => {
    await retrying('preparing the database', () => {
      // A new file gets 16 KiB pages: a third fewer page writes and index-build steps than
      // the 4 KiB default for rows of ~0.5-1 KB (no effect on an existing database).
      db.pragma(`page_size = ${PAGE_SIZE}`);
      // The journal mode is left as the file has it. A new file keeps SQLite's default
      // rollback journal, the fast one for a bulk append (appended pages are never
      // journaled: each row is written once; WAL writes it twice, log then checkpoint). A
      // file someone switched to WAL stays WAL, so its readers are not locked out.
    });
    const marker = await retrying('preparing the database', () => prepare(db, opt.mode, opt.resume, sourceKey, dbPath));
    const fileIds = await retrying('recording the files', () => recordFiles(db, files));
    if (marker?.status === 'done') {
      await retrying('building the indexes', () => finishIndexes(db, opt.fts));
      progress.resumed = marker.rows;
      return undefined;
    }
    const afterId = marker?.last_id ?? -1;
    progress.resumed = marker?.rows ?? 0;
    const describe = JSON.stringify({ files: files.map((f) => f.resolved), query: query ?? null });
    const now = new Date().toISOString();
    await retrying('recording the export', () =>
      db
        .prepare(
          `INSERT INTO export_progress(source_key, source, last_id, rows, total, status, started, updated)
           VALUES (?, ?, ?, ?, ?, 'running', ?, ?)
           ON CONFLICT(source_key) DO UPDATE SET status = 'running', total = excluded.total, updated = excluded.updated`,
        )
        .run(sourceKey, describe, afterId, progress.resumed, total, now, now),
    );
    // Into a fresh table, the engine's writer builds the FTS index on another core while it
    // builds the secondary indexes; an FTS table with entries already is caught up in phase 3.
    const ftsBeside = opt.fts && !hasTable(db, FTS_TABLE) && db.prepare('SELECT 1 FROM entries LIMIT 1').get() === undefined;
    return { afterId, fileIds: Object.fromEntries(fileIds), ftsBeside };
  });
  if (setup === undefined) return { dbPath, rows: 0, inserted: 0, resumed: progress.resumed, total, batches: 0, sourceKey, upToDate: true };

  // Phase 2 (native): the rows, one transaction per batch together with its marker update;
  // then, in one more transaction, the secondary indexes (and the FTS index built beside them).
  try {
    const written = await inv.writeSqliteRows({
      db: dbPath,
      insertSql: INSERT_SQL,
      markSql: markSql(sourceKey),
      fileIds: setup.fileIds,
      ...(query ? { query } : {}),
      ...(setup.afterId >= 0 ? { afterId: setup.afterId } : {}),
      batchSize: opt.batchSize,
      queueSize: opt.queueSize,
      fields: opt.fields,
      retries: opt.retries,
      retryDelayMs: opt.retryDelayMs,
      busyTimeoutMs: opt.busyTimeoutMs,
      cacheKb: CACHE_KB,
      finishSql: setup.ftsBeside ? INDEXES + FTS_SYNCED : INDEXES,
      ...(setup.ftsBeside ? { fts: { table: FTS_TABLE, createSql: FTS_CREATE, insertSql: FTS_INSERT } } : {}),
      onBatch: (p) => options.onProgress?.({ ...progress, rows: p.rows, inserted: p.inserted, batches: p.batches }),
      ...(signal ? { signal } : {}),
    });
    Object.assign(progress, { rows: written.rows, inserted: written.inserted, batches: written.batches });
  } catch (error) {
    throw fromSqlite(error, dbPath, 'exporting to SQLite');
  }

  // Phase 3 (better-sqlite3): mark the export done; finish what phase 2 did not (an FTS table
  // that had entries already is caught up here).
  await withDb(dbPath, opt.busyTimeoutMs, (db) =>
    retrying('finishing the export', () => {
      db.transaction(() => {
        db.prepare(`UPDATE export_progress SET status = 'done', updated = ? WHERE source_key = ?`).run(new Date().toISOString(), sourceKey);
        setMeta(db, { updated: new Date().toISOString() });
      }).immediate();
      finishIndexes(db, opt.fts);
    }),
  );
  return { dbPath, ...progress, sourceKey, upToDate: false };
}

/** Opens the export database with better-sqlite3 for `fn`, and always closes it. */
async function withDb<T>(dbPath: string, busyTimeoutMs: number, fn: (db: Database.Database) => Promise<T>): Promise<T> {
  let db: Database.Database;
  try {
    db = new Database(dbPath);
  } catch (error) {
    throw fromSqlite(error, dbPath, 'opening the export database');
  }
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    // Rows are appended in key order, so a small page cache costs little speed and keeps
    // the memory bounded (better-sqlite3's default is 16 MB).
    db.pragma(`cache_size = -${CACHE_KB}`);
    return await fn(db);
  } catch (error) {
    throw fromSqlite(error, dbPath, 'exporting to SQLite');
  } finally {
    db.close();
  }
}

function positiveInt(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new UsageError('INVALID_OPTION', `${name} must be a positive integer, got ${n}`, name);
  return n;
}

function mtimeOf(path: string): string | null {
  try {
    return statSync(path).mtime.toISOString();
  } catch {
    return null;
  }
}

function keyOf(files: { resolved: string; bytes: number; mtime: string | null }[], query: ExportQuery | undefined): string {
  const identity = JSON.stringify({ files: files.map((f) => [f.resolved, f.bytes, f.mtime]), query: query ?? null });
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

interface Marker {
  last_id: number;
  rows: number;
  status: string;
}

/** Creates or checks the schema; in replace mode clears it, unless resuming this very export. */
function prepare(db: Database.Database, mode: string, resume: boolean, sourceKey: string, dbPath: string): Marker | undefined {
  const ours = hasTable(db, 'meta') && hasTable(db, 'entries');
  if (!ours && hasTable(db, 'entries')) {
    throw fromSqlite(new Error(`it has an 'entries' table that is not a logsift export (no 'meta' table)`), dbPath, 'preparing the database');
  }
  if (ours) {
    const version = getMeta(db, 'schema_version');
    if (version !== String(SCHEMA_VERSION)) {
      throw fromSqlite(new Error(`it holds schema version ${version ?? '(none)'}, this exporter writes ${SCHEMA_VERSION}`), dbPath, 'preparing the database');
    }
  }
  let marker = ours ? markerOf(db, sourceKey) : undefined;
  if (!resume && marker?.status === 'running') marker = undefined;
  const resuming = marker?.status === 'running';
  if (mode === 'replace' && ours && !resuming) {
    dropOwnTables(db);
    marker = undefined;
  }
  db.transaction(() => {
    createTables(db);
    const now = new Date().toISOString();
    if (getMeta(db, 'created') === undefined) setMeta(db, { created: now });
    setMeta(db, { schema_version: String(SCHEMA_VERSION), source: 'logsift', logsift_version: VERSION, updated: now });
  }).immediate();
  if (!resume && marker === undefined && ours) {
    db.prepare(`UPDATE export_progress SET last_id = -1, rows = 0 WHERE source_key = ? AND status = 'running'`).run(sourceKey);
  }
  return marker;
}

function markerOf(db: Database.Database, sourceKey: string): Marker | undefined {
  if (!hasTable(db, 'export_progress')) return undefined;
  return db.prepare('SELECT last_id, rows, status FROM export_progress WHERE source_key = ?').get(sourceKey) as Marker | undefined;
}

/**
 * Upserts one `files` row per source file; returns the row ids keyed by the path as the
 * engine names it (what `RowBatch.path` returns), while the table stores the resolved path.
 */
function recordFiles(db: Database.Database, files: (FileStats & { resolved: string; mtime: string | null })[]): Map<string, number> {
  const upsert = db.prepare(
    `INSERT INTO files(path, size, mtime, format, compression, lines, entries, exported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime = excluded.mtime, format = excluded.format,
       compression = excluded.compression, lines = excluded.lines, entries = excluded.entries, exported_at = excluded.exported_at
     RETURNING id`,
  );
  const ids = new Map<string, number>();
  db.transaction(() => {
    const now = new Date().toISOString();
    for (const f of files) {
      const { id } = upsert.get(f.resolved, f.bytes, f.mtime, f.format, f.compression, f.lines, f.entries, now) as { id: number };
      ids.set(f.path, id);
    }
  }).immediate();
  return ids;
}

/** Runs `fn`, retrying while the database is busy; each attempt is all-or-nothing. */
async function withRetries<T>(
  what: string,
  fn: () => T,
  opt: { retries: number; retryDelayMs: number },
  dbPath: string,
  signal: AbortSignal | undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      if (!isBusy(error) || attempt >= opt.retries) throw fromSqlite(error, dbPath, `${what} (attempt ${attempt} of ${opt.retries})`);
      if (signal?.aborted) throw new CancelledError('the export was cancelled');
      await sleep(opt.retryDelayMs * 2 ** (attempt - 1));
    }
  }
}
