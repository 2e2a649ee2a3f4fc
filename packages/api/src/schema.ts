import type { LayoutInfo } from './layout.js';
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
