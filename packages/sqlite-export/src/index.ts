export { exportToSqlite, type ExportResult } from './export.js';
