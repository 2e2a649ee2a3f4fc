import { fromSqlite, SqliteExportError } from './errors.js';
import { openReadOnly } from './read-db.js';

export interface SqlQueryOptions {
  /** At most this many rows are returned (default 1000); `truncated` says when more existed. */
  limit?: number;
}

export interface SqlQueryResult {
  columns: string[];
  /** Rows as arrays, in `columns` order. */
  rows: unknown[][];
  truncated: boolean;
}

/**
 * Runs one read-only statement (SELECT or WITH ... SELECT) on a database opened read-only.
 * Anything that could write (INSERT, PRAGMA with a value, ATTACH, ...) is refused with
 * SQL_NOT_READ_ONLY before it runs.
 */
export function sqlQuery(dbPath: string, sql: string, params: unknown[] | Record<string, unknown> = [], options: SqlQueryOptions = {}): SqlQueryResult {
  const limit = options.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 0) throw new SqliteExportError('INVALID_OPTION', `limit must be a non-negative integer, got ${limit}`, 'limit');
  const stripped = sql.replace(/^(\s+|--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/)+/, '');
  const head = /^[A-Za-z]+/.exec(stripped)?.[0]?.toUpperCase();
  if (head !== 'SELECT' && head !== 'WITH') {
    throw new SqliteExportError('SQL_NOT_READ_ONLY', 'only SELECT (or WITH ... SELECT) statements can be run', 'sql');
  }
  const db = openReadOnly(dbPath);
  try {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (error) {
      throw new SqliteExportError('INVALID_OPTION', `bad SQL: ${error instanceof Error ? error.message : String(error)}`, 'sql', { cause: error });
    }
    if (!stmt.readonly || !stmt.reader) {
      throw new SqliteExportError('SQL_NOT_READ_ONLY', 'the statement is not a read-only query', 'sql');
    }
    const columns = stmt.columns().map((c) => c.name);
    const rows: unknown[][] = [];
    let truncated = false;
    try {
      const it = (Array.isArray(params) ? stmt.raw(true).iterate(...params) : stmt.raw(true).iterate(params)) as IterableIterator<unknown[]>;
      for (const row of it) {
        if (rows.length >= limit) {
          truncated = true;
          it.return?.();
          break;
        }
        rows.push(row);
      }
    } catch (error) {
      throw fromSqlite(error, dbPath, 'running the query');
    }
    return { columns, rows, truncated };
  } finally {
    db.close();
  }
}
