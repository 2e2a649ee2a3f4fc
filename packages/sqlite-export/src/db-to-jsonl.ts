import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { CancelledError } from '@logsift/api';
import { fromSqlite, SqliteExportError } from './errors.js';
import type Database from 'better-sqlite3';
import type { CompiledMapping, SqliteMapping } from './mapping.js';
import { openReadOnly, readerFor } from './read-db.js';

export interface DbToJsonlOptions {
  /** Called every `progressEvery` rows (default 10000) with the rows written so far. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
  progressEvery?: number;
  signal?: AbortSignal;
}

export interface DbToJsonlResult {
  rows: number;
  bytes: number;
}

/** Output is flushed in chunks of about this many characters (256 KiB: big enough for few syscalls, small enough to keep the young generation small). */
const CHUNK = 1 << 18;

/**
 * Streams a table (logsift's own export, or any table through a mapping) as JSON lines to
 * a file path or a Writable (stdout). Rows are read one at a time with a cursor and written
 * in ~256 KB chunks; when the Writable's buffer is full the reader waits for `drain`, so memory
 * stays flat whatever the table size. A Writable passed in is not ended.
 */
export async function dbToJsonl(
  dbPath: string,
  out: string | Writable,
  mapping?: SqliteMapping,
  options: DbToJsonlOptions = {},
): Promise<DbToJsonlResult> {
  const every = options.progressEvery ?? 10_000;
  if (!Number.isInteger(every) || every < 1) {
    // `rows % 0` is NaN: a zero or fractional interval would silently never report progress.
    throw new SqliteExportError('INVALID_OPTION', `progressEvery must be a positive integer, got ${every}`, 'progressEvery');
  }
  const db = openReadOnly(dbPath);
  let stmt: Database.Statement;
  let reader: CompiledMapping;
  try {
    reader = readerFor(db, dbPath, mapping);
    try {
      // 64-bit integers (epoch nanoseconds) arrive exact, as BigInts.
      stmt = db.prepare(reader.sql).safeIntegers(true);
    } catch (error) {
      throw fromSqlite(error, dbPath, 'reading the table');
    }
  } catch (error) {
    db.close();
    throw error;
  }
  // Only now that the source is known to be readable is the output opened.
  const stream = typeof out === 'string' ? createWriteStream(out) : out;
  let streamError: unknown;
  const onError = (e: unknown): void => {
    streamError ??= e;
  };
  stream.on('error', onError);
  let rows = 0;
  let bytes = 0;
  try {
    let chunk = '';
    for (const row of stmt.iterate() as IterableIterator<Record<string, unknown>>) {
      chunk += reader.toLine(row) + '\n';
      rows++;
      if (chunk.length >= CHUNK) {
        bytes += Buffer.byteLength(chunk);
        await write(stream, chunk, () => streamError);
        chunk = '';
        if (options.signal?.aborted) throw new CancelledError('db-to-jsonl was cancelled');
      }
      if (rows % every === 0) options.onProgress?.({ rows, bytes });
    }
    if (chunk) {
      bytes += Buffer.byteLength(chunk);
      await write(stream, chunk, () => streamError);
    }
    if (typeof out === 'string') await endStream(stream);
    if (streamError) throw streamError;
    options.onProgress?.({ rows, bytes });
    return { rows, bytes };
  } catch (error) {
    if (typeof out === 'string') await destroyed(stream);
    throw error;
  } finally {
    stream.off('error', onError);
    db.close();
  }
}

function destroyed(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) return resolve();
    stream.once('close', () => resolve());
    stream.on('error', () => undefined);
    stream.destroy();
  });
}

async function write(stream: Writable, chunk: string, failed: () => unknown): Promise<void> {
  const err = failed();
  if (err) throw err;
  if (stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('error', fail);
      stream.off('close', done);
      resolve();
    };
    const fail = (e: unknown): void => {
      stream.off('drain', done);
      stream.off('close', done);
      reject(e);
    };
    stream.once('drain', done);
    stream.once('error', fail);
    stream.once('close', done);
  });
  const after = failed();
  if (after) throw after;
}

function endStream(stream: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}
