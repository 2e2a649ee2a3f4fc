export { exportToSqlite, type ExportOptions, type ExportProgress, type ExportQuery, type ExportResult, type ExportSource } from './export.js';
export { openSqlite, type OpenSqliteOptions, type SqliteInvestigation } from './open-sqlite.js';
export { dbToJsonl, type DbToJsonlOptions, type DbToJsonlResult } from './db-to-jsonl.js';
export type { SqliteMapping, TimestampFormat } from './mapping.js';
export { SqliteExportError, type SqliteErrorCode } from './errors.js';
export { SCHEMA_VERSION } from './schema.js';
