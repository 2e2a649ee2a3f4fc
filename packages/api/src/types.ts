import type { LayoutInfo } from './schema.js';
/** Canonical level names (OpenTelemetry severity ranges). */
export type LevelName = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL' | 'NONE';

export interface TimeRange {
  firstNs: number | null;
  lastNs: number | null;
  /** RFC 3339, UTC. */
  first: string | null;
  last: string | null;
}

export interface FileStats {
  path: string;
  bytes: number;
  compression: 'gzip' | 'zstd' | null;
  lines: number;
  entries: number;
  format: string;
  formatConfidence: number;
  /** The learned layout: header fields, separators, continuation rule, confidence. */
  layout: LayoutInfo;
  timeRange: TimeRange;
  levels: Partial<Record<LevelName, number>>;
  withoutTimestamp: number;
}

export interface Stats {
  files: FileStats[];
  bytes: number;
  lines: number;
  entries: number;
  timeRange: TimeRange;
  levels: Partial<Record<LevelName, number>>;
  /** Native heap held by the index (columns, ids, postings), excluding mapped file pages. */
  indexBytes: number;
}

/** One log record. */
export interface Entry {
  /** Entry number within the investigation. */
  id: number;
  file: string;
  /** 1-based line of the record's first line. */
  line: number;
  offset: number;
  length: number;
  /** UTC nanoseconds since the epoch (a JS number: precise to about 0.25 µs today). */
  timestampNs?: number;
  /** RFC 3339, UTC. */
  time?: string;
  /** OpenTelemetry severity number, 0 when the record has no level. */
  severity: number;
  level: LevelName;
  /** The level as written in the record. */
  levelText?: string;
  message: string;
  thread?: string;
  request?: string;
  trace?: string;
  span?: string;
  parentSpan?: string;
  service?: string;
  component?: string;
  /** The whole record as written (all its lines). */
  raw: string;
  /** All other fields, when requested. */
  fields?: Record<string, unknown>;
}

/** A file that was found (in a directory walk) but not indexed. */
export interface SkippedFile {
  path: string;
  code: string;
  reason: string;
}
