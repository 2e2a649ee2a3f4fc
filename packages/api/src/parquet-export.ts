import type { Query } from './query.js';

/**
 * Options of `exportToParquet`: which entries (the search query model; every entry when
 * absent), how the files are cut, and whether `LogAttributes` carries every parsed field.
 */
export interface ParquetExportOptions {
  query?: Query;
  /** One file series (default), or one per UTC hour or day (`logs-2024-01-02T03-00001.parquet`). */
  partition?: 'none' | 'hour' | 'day';
  /** Rows per row group, 1..=1000000 (default 16384); memory grows with it. */
  rowGroupRows?: number;
  /** Fill `LogAttributes` with all of the record's parsed fields (slower; default: empty maps). */
  fields?: boolean;
}

/** One complete file of an export. */
export interface ParquetFile {
  path: string;
  rows: number;
  rowGroups: number;
  bytes: number;
  /** Earliest and latest `Timestamp` in the file (absent when no row has one). */
  from?: string;
  to?: string;
}

export interface ParquetExportResult {
  outDir: string;
  rows: number;
  rowGroups: number;
  bytes: number;
  files: ParquetFile[];
}

/** The columns of an export, in order (the OTel Collector ClickHouse exporter's `otel_logs` names, then logsift's). */
export const PARQUET_COLUMNS = [
  'Timestamp',
  'TraceId',
  'SpanId',
  'SeverityText',
  'SeverityNumber',
  'ServiceName',
  'Body',
  'ResourceAttributes',
  'ScopeName',
  'LogAttributes',
  'File',
  'Line',
  'ThreadId',
  'RequestId',
  'ParentSpanId',
] as const;
