import { existsSync } from 'node:fs';
import { InputError } from '@logsift/api';
import Database from 'better-sqlite3';
import { fromSqlite, SqliteExportError } from './errors.js';
import { compileMapping, mergeJson, recordLine, type CompiledMapping, type SqliteMapping } from './mapping.js';
import { hasTable, getMeta } from './schema.js';

/** Opens a database read-only; a missing file is ENOENT, anything else a typed SQLite error. */
export function openReadOnly(dbPath: string): Database.Database {
  if (!existsSync(dbPath)) throw new InputError('ENOENT', `no such database: ${dbPath}`, dbPath);
  try {
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    // Reads are one sequential scan: a small page cache keeps memory flat (default 16 MB).
    db.pragma('cache_size = -4096');
    return db;
  } catch (error) {
    throw fromSqlite(error, dbPath, 'opening the database read-only');
  }
}

/** True when the database was written by `exportToSqlite`. */
export function isLogsiftExport(db: Database.Database): boolean {
  return hasTable(db, 'meta') && hasTable(db, 'entries') && getMeta(db, 'source') === 'logsift';
}

/** The reader for a database: logsift's own export when no mapping is given, else the mapping. */
export function readerFor(db: Database.Database, dbPath: string, mapping: SqliteMapping | undefined): CompiledMapping {
  if (mapping !== undefined) return compileMapping(db, mapping);
  if (isLogsiftExport(db)) return ownExport();
  throw new SqliteExportError(
    'INVALID_MAPPING',
    `${dbPath} is not a logsift export (no 'meta' table with source 'logsift'): pass a mapping naming the table and its columns`,
    dbPath,
  );
}

const ID_COLUMNS = [
  ['thread', 'thread'],
  ['request', 'request_id'],
  ['trace', 'trace_id'],
  ['span', 'span_id'],
  ['parent_span', 'parent_span_id'],
  ['service', 'service'],
  ['component', 'component'],
] as const;

/**
 * Rows of our own `entries` table back as JSON-lines records. A row exported from a one-line
 * JSON record (`fields_json = ''`: its fields are the raw line) is written back as that very
 * line: re-read, it gives the same entry as the original file did, and nothing is parsed or
 * re-serialized here. Other rows become a record: the level is written as the original word
 * when it is one (so `levelText` survives) and as the canonical name otherwise (numeric or
 * single-letter levels would not be re-read as the same level).
 */
function ownExport(): CompiledMapping {
  return {
    sql: `SELECT fields_json = '' AS whole, raw, time, severity, level, level_text, message, thread, request, trace, span, parent_span,
            service, component, fields_json FROM entries ORDER BY id`,
    toLine: (row) => {
      if (row.whole === 1n) return row.raw as string;
      const out: Record<string, unknown> = {};
      if (row.time !== null) out.time = row.time;
      if ((row.severity as bigint) > 0n) {
        const text = row.level_text as string | null;
        out.level = text !== null && /^[A-Za-z]{3,}$/.test(text) ? text : row.level;
      }
      out.msg = row.message;
      for (const [col, field] of ID_COLUMNS) if (row[col] !== null) out[field] = row[col];
      mergeJson(row.fields_json, 'fields', out);
      return recordLine(out);
    },
  };
}
