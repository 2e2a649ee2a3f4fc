import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, levelName, TEXT_COLUMN as C, UsageError, type Investigation, type FileStats, type RowBatch } from '@logsift/api';
import Database from 'better-sqlite3';
import { BatchQueue } from './batch-queue.js';
import { entryBatches, type ExportQuery } from './entry-batches.js';
import { fromSqlite, isBusy } from './errors.js';
import { createTables, dropOwnTables, finishIndexes, getMeta, hasTable, SCHEMA_VERSION, setMeta } from './schema.js';

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

/** Page cache of the export connection, in KiB. */
const CACHE_KB = 4096;

const require = createRequire(import.meta.url);
const VERSION = (require('../package.json') as { version: string }).version;

const COLUMNS = `file_id, file, line, offset, timestamp_ns, time, severity, level, level_text, message,
   thread, request, trace, span, parent_span, service, component, raw, fields_json`;
const NPARAMS = 19;
/** Rows per multi-row INSERT: one statement step per 32 rows instead of per row. */
const ROWS_PER_INSERT = 32;

/** `INSERT OR IGNORE` of `rows` rows at once. */
function insertSql(rows: number): string {
  const one = `(${Array.from({ length: NPARAMS }, () => '?').join(', ')})`;
  return `INSERT OR IGNORE INTO entries (${COLUMNS}) VALUES ${Array.from({ length: rows }, () => one).join(', ')}`;
}

/**
 * Streams entries into a SQLite database (schema in the README): batches are fetched from
 * the engine while the previous one is written, each batch is one transaction together with
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
    batchSize: positiveInt(options.batchSize ?? 5000, 'batchSize'),
    queueSize: positiveInt(options.queueSize ?? 2, 'queueSize'),
    fts: options.fts ?? true,
    fields: options.fields ?? true,
    resume: options.resume ?? true,
    retries: positiveInt(options.retries ?? 5, 'retries'),
    retryDelayMs: options.retryDelayMs ?? 100,
    busyTimeoutMs: options.busyTimeoutMs ?? 2000,
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

  let db: Database.Database;
  try {
    db = new Database(dbPath);
  } catch (error) {
    throw fromSqlite(error, dbPath, 'opening the export database');
  }
  const progress: ExportProgress = { rows: 0, inserted: 0, resumed: 0, total, batches: 0 };
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opt.busyTimeoutMs))}`);
    await retrying('preparing the database', () => {
      // A new file gets 16 KiB pages: a third fewer page writes and index-build steps than
      // the 4 KiB default for rows of ~0.5-1 KB (no effect on an existing database).
      db.pragma(`page_size = ${PAGE_SIZE}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      // Rows are appended in key order, so a small page cache costs little speed and keeps
      // the writer's memory bounded (better-sqlite3's default is 16 MB).
      db.pragma(`cache_size = -${CACHE_KB}`);
    });
    const marker = await retrying('preparing the database', () => prepare(db, opt.mode, opt.resume, sourceKey, dbPath));
    const fileIds = await retrying('recording the files', () => recordFiles(db, files));
    if (marker?.status === 'done') {
      await retrying('building the indexes', () => finishIndexes(db, opt.fts));
      return { dbPath, rows: 0, inserted: 0, resumed: marker.rows, total, batches: 0, sourceKey, upToDate: true };
    }
    const afterId = marker?.last_id ?? -1;
    progress.resumed = marker?.rows ?? 0;
    const describe = JSON.stringify({ files: files.map((f) => f.resolved), query: query ?? null });
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO export_progress(source_key, source, last_id, rows, total, status, started, updated)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?)
       ON CONFLICT(source_key) DO UPDATE SET status = 'running', total = excluded.total, updated = excluded.updated`,
    ).run(sourceKey, describe, afterId, progress.resumed, total, now, now);

    const insert = { many: db.prepare(insertSql(ROWS_PER_INSERT)), one: db.prepare(insertSql(1)) };
    const mark = db.prepare(`UPDATE export_progress SET last_id = ?, rows = rows + ?, updated = ? WHERE source_key = ?`);
    const writeBatch = db.transaction((batch: RowBatch) => {
      const inserted = insertBatch(insert, batch, fileIds);
      const last = batch.last;
      if (last !== undefined) mark.run(last, batch.count, new Date().toISOString(), sourceKey);
      return inserted;
    });

    // Pipeline: the reader fetches batch k+1 from the engine (off the main thread) while
    // the writer commits batch k; the bounded queue holds back the reader when writes lag.
    const queue = new BatchQueue<RowBatch>(opt.queueSize);
    const reader = (async () => {
      try {
        // The queue, the batch being written and the one being fetched: distinct arrays each.
        const recycle = opt.queueSize + 2;
        for await (const batch of entryBatches(inv, query, afterId, opt.batchSize, opt.fields, recycle, signal)) {
          await queue.push(batch);
        }
        queue.close();
      } catch (error) {
        queue.fail(error);
      }
    })();
    try {
      for (let batch = await queue.shift(); batch; batch = await queue.shift()) {
        if (signal?.aborted) throw new CancelledError('the export was cancelled');
        const b = batch;
        const inserted = await retrying('writing a batch', () => writeBatch.immediate(b));
        progress.rows += b.count;
        progress.inserted += inserted;
        progress.batches++;
        options.onProgress?.({ ...progress });
        // Let the engine's finished fetch (a libuv callback) reach the reader.
        await new Promise<void>((r) => setImmediate(r));
      }
    } catch (error) {
      queue.fail(error);
      throw error;
    } finally {
      await reader;
    }
    await retrying('finishing the export', () => {
      db.transaction(() => {
        db.prepare(`UPDATE export_progress SET status = 'done', updated = ? WHERE source_key = ?`).run(new Date().toISOString(), sourceKey);
        setMeta(db, { updated: new Date().toISOString() });
      }).immediate();
      finishIndexes(db, opt.fts);
    });
    return { dbPath, ...progress, sourceKey, upToDate: false };
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

/**
 * Inserts the rows of a batch, `ROWS_PER_INSERT` rows per statement, text decoded straight
 * from the batch's buffer (this is the hot loop); returns how many were new (the rest were
 * already there).
 */
function insertBatch(insert: { many: Database.Statement; one: Database.Statement }, b: RowBatch, fileIds: Map<string, number>): number {
  let inserted = 0;
  const args: unknown[] = new Array<unknown>(NPARAMS * ROWS_PER_INSERT);
  const single: unknown[] = new Array<unknown>(NPARAMS);
  let lastPath = '';
  let fileId = 0;
  let r = 0;
  const put = (row: number, out: unknown[], at: number): void => {
    const path = b.path(row);
    if (path !== lastPath) {
      const id = fileIds.get(path);
      if (id === undefined) throw new Error(`entry ${b.ids[row]} names a file that is not in the investigation: ${path}`);
      fileId = id;
      lastPath = path;
    }
    const severity = b.severity[row] as number;
    out[at] = fileId;
    out[at + 1] = path;
    out[at + 2] = b.line[row];
    out[at + 3] = b.offset[row];
    out[at + 4] = b.timestampNs(row) ?? null;
    out[at + 5] = b.text(row, C.time) ?? null;
    out[at + 6] = severity;
    out[at + 7] = levelName(severity);
    out[at + 8] = b.text(row, C.levelText) ?? null;
    out[at + 9] = b.text(row, C.message) ?? '';
    out[at + 10] = b.text(row, C.thread) ?? null;
    out[at + 11] = b.text(row, C.request) ?? null;
    out[at + 12] = b.text(row, C.trace) ?? null;
    out[at + 13] = b.text(row, C.span) ?? null;
    out[at + 14] = b.text(row, C.parentSpan) ?? null;
    out[at + 15] = b.text(row, C.service) ?? null;
    out[at + 16] = b.text(row, C.component) ?? null;
    out[at + 17] = b.text(row, C.raw) ?? '';
    // '' marks "the fields object is the raw record" (see the schema): stored once.
    out[at + 18] = b.fieldsInRaw(row) ? '' : (b.text(row, C.fields) ?? null);
  };
  for (; r + ROWS_PER_INSERT <= b.count; r += ROWS_PER_INSERT) {
    for (let j = 0; j < ROWS_PER_INSERT; j++) put(r + j, args, j * NPARAMS);
    inserted += insert.many.run(args).changes;
  }
  for (; r < b.count; r++) {
    put(r, single, 0);
    inserted += insert.one.run(single).changes;
  }
  return inserted;
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
