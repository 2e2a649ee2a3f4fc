import { LogsiftError, type LogsiftErrorCode } from '@logsift/api';

/** The codes this package throws (all of them are also `LogsiftErrorCode`s). */
export type SqliteErrorCode = Extract<
  LogsiftErrorCode,
  'DB_LOCKED' | 'DB_READ_ONLY' | 'DB_ERROR' | 'INVALID_MAPPING' | 'SQL_NOT_READ_ONLY' | 'INVALID_OPTION' | 'ENOENT'
>;

const CODES = new Set<string>(['DB_LOCKED', 'DB_READ_ONLY', 'DB_ERROR', 'INVALID_MAPPING', 'SQL_NOT_READ_ONLY']);

/**
 * A SQLite export or import failure: a locked or read-only database, a bad mapping, a
 * statement that is not read-only. `location` names the database path or the offending
 * table/column; `cause` keeps the underlying better-sqlite3 error when there is one.
 */
export class SqliteExportError extends LogsiftError {
  constructor(code: SqliteErrorCode, message: string, location?: string, options?: { cause?: unknown }) {
    super(code, message, location);
    this.name = 'SqliteExportError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }

  /** True for the SQLite-specific codes, even from another copy of this package. */
  static override isInstance(value: unknown): value is SqliteExportError {
    return LogsiftError.isInstance(value) && CODES.has(value.code);
  }
}

/** better-sqlite3 errors carry `code` = 'SQLITE_BUSY', 'SQLITE_READONLY_DBMOVED', ... */
function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** True when the error means "someone else holds the lock; trying again may work". */
export function isBusy(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** Turns a better-sqlite3 (or file system) error into a typed `SqliteExportError`. */
export function fromSqlite(error: unknown, dbPath: string, doing: string): LogsiftError {
  if (LogsiftError.isInstance(error)) return error;
  const code = sqliteCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  const opts = { cause: error };
  if (code && isBusy(error)) {
    return new SqliteExportError('DB_LOCKED', `${doing}: the database ${dbPath} is locked by another connection (${detail})`, dbPath, opts);
  }
  // As the engine maps them (`Error::sqlite`): SQLITE_AUTH is a statement refused by an
  // authorizer, the statement's fault, not a read-only file.
  if (code === 'SQLITE_AUTH') return new SqliteExportError('SQL_NOT_READ_ONLY', `${doing}: ${dbPath}: ${detail}`, dbPath, opts);
  if (code?.startsWith('SQLITE_READONLY') || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new SqliteExportError(
      'DB_READ_ONLY',
      `${doing}: the database ${dbPath} cannot be written or created (read-only file or location: ${detail})`,
      dbPath,
      opts,
    );
  }
  return new SqliteExportError('DB_ERROR', `${doing}: ${dbPath}: ${detail}${code ? ` (${code})` : ''}`, dbPath, opts);
}
