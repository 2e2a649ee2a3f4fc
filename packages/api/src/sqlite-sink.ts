import type { Query } from './query.js';

/**
 * Where and how `Investigation.writeSqliteRows` writes: the bulk path behind
 * `@logsift/sqlite-export`. The database must exist with its tables; the caller owns the
 * schema and passes its statements, whose parameters are bound in a fixed order.
 */
export interface SqliteSinkOptions {
  /** The database file (not created when missing). */
  db: string;
  /**
   * One-row INSERT with 19 parameters, bound in this order: file_id, file, line, offset,
   * timestamp_ns, time, severity, level, level_text, message, thread, request, trace, span,
   * parent_span, service, component, raw, fields_json (`''` when the fields object is the
   * raw record itself, NULL without `fields`).
   */
  insertSql: string;
  /** Run in each batch's transaction: ?1 = the batch's last entry id, ?2 = its row count. */
  markSql: string;
  /** The `files` row id of each file, keyed by the path the investigation uses (`FileStats.path`). */
  fileIds: Record<string, number>;
  /** The rows to write (default: every entry). */
  query?: Query;
  /** Start after this entry id (resuming). */
  afterId?: number;
  /** Rows per batch and per transaction (1..100000, default 5000). */
  batchSize?: number;
  /** Fetched batches that may wait for the writer (default 2). */
  queueSize?: number;
  /** Fill `fields_json` (default false). */
  fields?: boolean;
  /** Attempts per batch while the database is busy (default 5), delays doubling from `retryDelayMs` (100). */
  retries?: number;
  retryDelayMs?: number;
  /** SQLite's own wait for a lock (default 2000 ms). */
  busyTimeoutMs?: number;
  /** Page cache of the writing connection in KiB (default 4096). */
  cacheKb?: number;
  /**
   * Run after the last batch, in one transaction (the secondary indexes), on the writer's
   * connection; with `fts`, the FTS index is copied in that same transaction.
   */
  finishSql?: string;
  /**
   * An FTS5 table built on another thread from the rows this run inserts (in a scratch file
   * `<db>.fts-build`, while the rows are written and the indexes built), then copied into the
   * database in the finishing transaction. For a table that does not exist yet, over rows
   * that are all this run's.
   */
  fts?: {
    /** Its name (its shadow tables `<table>_*` are copied). */
    table: string;
    /** CREATE VIRTUAL TABLE … USING fts5(…), without IF NOT EXISTS. */
    createSql: string;
    /** One-row INSERT into it: ?1 = the row id, ?2 = the message. */
    insertSql: string;
  };
  /** Called after each committed batch; the writer waits for it, so aborting here stops at this batch. */
  onBatch?: (progress: SqliteSinkProgress) => void;
  signal?: AbortSignal;
}

/** The defaults of `writeSqliteRows`' tuning options (exporters reuse them as their own). */
export const SQLITE_SINK_DEFAULTS = {
  batchSize: 5000,
  queueSize: 2,
  fields: false,
  retries: 5,
  retryDelayMs: 100,
  busyTimeoutMs: 2000,
  cacheKb: 4096,
} as const;

/** Committed so far by `writeSqliteRows`. */
export interface SqliteSinkProgress {
  /** Rows handled (inserted, or already present under the table's unique key). */
  rows: number;
  /** Rows inserted. */
  inserted: number;
  batches: number;
  /** The last committed entry id (where a resumed run starts). */
  last: number | null;
}
