import type { TimeRange } from './types.js';

export interface SchemaOptions {
  /** Records sampled per file, evenly spread (default 500). */
  sample?: number;
  /** Example values kept per field (default 3). */
  examples?: number;
}

export interface FieldInfo {
  /** Dotted name for nested fields (`http.status`). */
  name: string;
  /** Sampled records holding the field, and their share of the sample. */
  count: number;
  share: number;
  types: ('null' | 'boolean' | 'number' | 'string' | 'array' | 'object')[];
  examples: unknown[];
}

export interface IdInfo {
  kind: 'thread' | 'request' | 'trace' | 'span' | 'parent' | 'service';
  /** Records of the file carrying this id. */
  records: number;
  /** Distinct values in the whole investigation. */
  distinct: number;
}

/** One header field of a learned text layout. */
export interface HeaderField {
  /** Token position in the header (0-based; a bracket pair is one token). */
  position: number;
  role: 'timestamp' | 'level' | 'pid' | 'thread' | 'component' | 'tag' | 'stream' | 'separator' | 'skip';
  /** How it is written: the stamp's shape (`YYYY-MM-DD hh:mm:ss`), `[level]`, `name:`, ... */
  shape: string;
  /** Whether a line must have it to start a record. */
  required: boolean;
}

/** What was understood about a file's layout (`detect`, `schema`). */
export interface LayoutInfo {
  /** Header fields by position (text layouts; empty for formats with fixed fields). */
  fields: HeaderField[];
  /** Separators between header fields: `blank`, `tab`, `:`, `|`, `,`, `-`, `[]`. */
  separators: string[];
  /** Which non-header lines continue a record, and the shares of the sample. */
  continuation: {
    shapes: ('indented' | 'stack-trace' | 'markup')[];
    /** Sampled lines that start a record, continue one, or are entries of their own. */
    headers: number;
    continued: number;
    standalone: number;
  };
  /** Share of sampled lines the layout explains: record starts plus continuation lines (0..1). */
  confidence: number;
  /** Set when the evidence is weak, saying what the engine did about it. */
  note: string | null;
  /** The whole layout as one readable line. */
  summary: string;
}

export interface FileSchema {
  path: string;
  format: string;
  confidence: number;
  layout: LayoutInfo;
  entries: number;
  timeRange: TimeRange;
  ids: IdInfo[];
  sampled: number;
  fields: FieldInfo[];
}

/** The detected format of one file. */
export interface Detection {
  path: string;
  format: string;
  /** Share of sampled lines that parsed as this format (0..1). */
  confidence: number;
  entries: number;
  /** The learned layout: header fields, separators, continuation rule. */
  layout: LayoutInfo;
}
