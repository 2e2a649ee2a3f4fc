import { join } from 'node:path';
import { open, type Investigation, type OpenOptions } from '@logsift/api';
import { dbToJsonl } from './db-to-jsonl.js';
import type { SqliteMapping } from './mapping.js';
import { makeTempDir, removeTempDir } from './temp-dirs.js';

export interface OpenSqliteOptions extends Pick<OpenOptions, 'timezone' | 'year' | 'signal'> {}

/** An investigation over a SQLite table; `tempFile` is the JSON-lines copy it indexes. */
export type SqliteInvestigation = Investigation & { readonly tempFile: string };

/**
 * Opens a SQLite database as a log source: logsift's own export (detected by its `meta`
 * table) or any table through a mapping. The rows are streamed (read-only) into a JSON-lines
 * temp file that the engine memory-maps, so memory stays flat; the file is removed when the
 * investigation is closed, or at process exit. Entries name that temp file as their `file`.
 */
export async function openSqlite(dbPath: string, mapping?: SqliteMapping, options: OpenSqliteOptions = {}): Promise<SqliteInvestigation> {
  const dir = makeTempDir('logsift-db-');
  const tempFile = join(dir, 'rows.jsonl');
  let inv: Investigation;
  try {
    await dbToJsonl(dbPath, tempFile, mapping, { signal: options.signal });
    // No index cache: the temp file is private and deleted on close, its index must go with it.
    inv = await open(tempFile, { ...options, format: 'json', cache: false });
  } catch (error) {
    removeTempDir(dir);
    throw error;
  }
  const close = inv.close.bind(inv);
  inv.close = () => {
    close();
    removeTempDir(dir);
  };
  return Object.assign(inv, { tempFile });
}
