import type { Investigation } from '@logsift/api';
import type { SqliteMapping } from '@logsift/sqlite-export';
import { CliError } from './envelope.js';

/** Opens a SQLite database as a log source (`--db`), loading @logsift/sqlite-export (and better-sqlite3) only then. */
export async function openSqliteSource(dbPath: string, mappingJson: string | undefined, signal?: AbortSignal): Promise<Investigation> {
  let mapping: SqliteMapping | undefined;
  if (mappingJson !== undefined) {
    try {
      mapping = JSON.parse(mappingJson) as SqliteMapping;
    } catch (error) {
      throw new CliError('USAGE', `--db-mapping is not valid JSON: ${(error as Error).message}`, 'pass a JSON object, e.g. {"table":"logs","timestamp":{"column":"ts"}}');
    }
  }
  const { openSqlite } = await import('@logsift/sqlite-export');
  return openSqlite(dbPath, mapping, signal ? { signal } : {});
}
