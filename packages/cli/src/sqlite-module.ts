import type { Writable } from 'node:stream';
import type { Investigation } from '@logsift/api';
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

/** Opens a SQLite database as a log source (`--db`), loading @logsift/sqlite-export only then. */
export async function openSqliteSource(dbPath: string, mappingJson: string | undefined, signal?: AbortSignal): Promise<Investigation> {
  const mod = (await import('@logsift/sqlite-export')) as unknown as {
    openSqlite?: (db: string, mapping?: unknown, options?: { signal?: AbortSignal }) => Promise<Investigation>;
  };
  if (typeof mod.openSqlite !== 'function') {
    throw new CliError('NOT_IMPLEMENTED', 'this @logsift/sqlite-export cannot read databases', 'upgrade @logsift/sqlite-export');
  }
  let mapping: unknown;
  if (mappingJson !== undefined) {
    try {
      mapping = JSON.parse(mappingJson);
    } catch (error) {
      throw new CliError('USAGE', `--db-mapping is not valid JSON: ${(error as Error).message}`, 'pass a JSON object, e.g. {"table":"logs","timestamp":{"column":"ts"}}');
    }
  }
  return mod.openSqlite(dbPath, mapping, signal ? { signal } : {});
}
