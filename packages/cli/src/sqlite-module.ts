import type { Investigation } from '@logsift/api';
import type { SqliteMapping } from '@logsift/sqlite-export';
import { CliError } from './envelope.js';

type SqliteExport = typeof import('@logsift/sqlite-export');

/** The hint printed when the exporter is not installed. */
export const SQLITE_INSTALL_HINT = 'install it next to logsift: npm install @logsift/sqlite-export (it brings better-sqlite3, a compiled module)';

/** True when `error` says this very package (or its compiled SQLite) cannot be found. */
function isMissing(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  const message = typeof e.message === 'string' ? e.message : '';
  return (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && /@logsift\/sqlite-export|better-sqlite3/.test(message);
}

/**
 * Loads @logsift/sqlite-export, an optional peer dependency: only `export`, `db-to-jsonl`
 * and `--db` sources need it (and its compiled better-sqlite3; `sql` runs in the engine). Without it those
 * commands fail with MISSING_DEPENDENCY (exit 2) saying how to install it.
 */
export async function loadSqliteExport(what: string): Promise<SqliteExport> {
  try {
    return await import('@logsift/sqlite-export');
  } catch (error) {
    if (isMissing(error)) throw new CliError('MISSING_DEPENDENCY', `${what} needs @logsift/sqlite-export, which is not installed`, SQLITE_INSTALL_HINT);
    throw error;
  }
}

/** `--db-mapping` parsed, or a usage error. */
export function parseMapping(json: string | undefined): SqliteMapping | undefined {
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json) as SqliteMapping;
  } catch (error) {
    throw new CliError('USAGE', `--db-mapping is not valid JSON: ${(error as Error).message}`, 'pass a JSON object, e.g. {"table":"logs","timestamp":{"column":"ts"}}');
  }
}

/** Opens a SQLite database as a log source (`--db`). */
export async function openSqliteSource(dbPath: string, mappingJson: string | undefined, options: { timezone?: string; signal?: AbortSignal }): Promise<Investigation> {
  const mapping = parseMapping(mappingJson);
  const { openSqlite } = await loadSqliteExport('--db');
  return openSqlite(dbPath, mapping, options);
}
