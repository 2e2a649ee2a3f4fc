import { native } from './native.js';
import { runNative, type TaskControl } from './run-native.js';

export interface SqlOptions {
  /** At most this many rows (default 1000, at most 1,000,000); `truncated` says when more existed. */
  maxRows?: number;
}

/**
 * The answer of one SQL query. Values are as SQLite gives them: numbers, strings, null.
 * An integer a JS number cannot hold exactly (beyond ±2^53 − 1, e.g. `timestamp_ns`)
 * arrives as its decimal string, so nothing is rounded; a BLOB as its literal (`X'0A1B'`).
 */
export interface SqlResult {
  columns: string[];
  /** Rows as arrays, in `columns` order. */
  rows: (number | string | null)[][];
  truncated: boolean;
}

/** The columns of the `entries` table an investigation exposes (the export's column names). */
export const SQL_ENTRY_COLUMNS = [
  'id', 'file', 'line', 'offset', 'timestamp_ns', 'time', 'severity', 'level', 'level_text', 'message',
  'thread', 'request', 'trace', 'span', 'parent_span', 'service', 'component', 'raw', 'fields',
] as const;

/** The engine's arguments: the statement and the row cap. */
export function sqlArgs(sql: string, options: SqlOptions): { sql: string; maxRows?: number } {
  return options.maxRows === undefined ? { sql } : { sql, maxRows: options.maxRows };
}

/**
 * One read-only query (a SELECT or WITH … SELECT) over a SQLite file opened read-only, its
 * tables as they are (a logsift export or any database). Anything else is SQL_NOT_READ_ONLY,
 * bad SQL INVALID_QUERY, a missing file ENOENT. `percentile(x, p)` is available as over an
 * investigation. Needs no SQLite package: the engine's SQLite runs it.
 */
export async function sqlDatabase(path: string, sql: string, options: SqlOptions = {}, control: TaskControl = {}): Promise<SqlResult> {
  const args = JSON.stringify(sqlArgs(sql, options));
  const json = await runNative((token) => native().sqlFile(path, args, token), control);
  return JSON.parse(json) as SqlResult;
}
