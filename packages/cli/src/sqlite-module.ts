import type { Writable } from 'node:stream';
import { CliError } from './envelope.js';

/** The @logsift/sqlite-export entry points the CLI uses beyond exportToSqlite. */
export interface SqliteReaders {
  dbToJsonl(dbPath: string, out: string | Writable, mapping?: unknown, options?: { signal?: AbortSignal }): Promise<{ rows: number; bytes: number }>;
  sqlQuery(dbPath: string, sql: string, params?: unknown[] | Record<string, unknown>, options?: { limit?: number }): { columns: string[]; rows: unknown[][]; truncated: boolean };
}

/**
 * Loads @logsift/sqlite-export only when a SQLite command runs (it pulls in better-sqlite3).
 * A build without the needed entry point is an error, never a silent fallback.
 */
export async function sqliteReaders(): Promise<SqliteReaders> {
  const mod = (await import('@logsift/sqlite-export')) as unknown as Partial<SqliteReaders>;
  if (typeof mod.dbToJsonl !== 'function' || typeof mod.sqlQuery !== 'function') {
    throw new CliError('NOT_IMPLEMENTED', 'this @logsift/sqlite-export has no dbToJsonl/sqlQuery yet', 'upgrade @logsift/sqlite-export');
  }
  return mod as SqliteReaders;
}
