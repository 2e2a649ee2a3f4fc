import type { Query } from './query.js';
import type { Entry, LevelName } from './types.js';

export type SearchOrder = 'oldest' | 'newest' | 'file';
/** `timeLevel`: the `time` buckets split by level (a stacked histogram in one pass). */
export type AggregationKind = 'level' | 'thread' | 'service' | 'file' | 'time' | 'timeLevel';

/** A query plus how to page and shape its results. */
export interface SearchOptions extends Query {
  /** `oldest` (default; one timeline merged across files), `newest`, or `file` order. */
  order?: SearchOrder;
  /** Page size (default 100). */
  limit?: number;
  offset?: number;
  /** Opaque cursor from a previous page's `nextCursor`. */
  cursor?: string;
  /** The last N matches, returned oldest first. */
  tail?: number;
  /** Whole records of context before and after each match (same file). */
  context?: number;
  contextBefore?: number;
  contextAfter?: number;
  /** Include every parsed field of returned entries. */
  fields?: boolean;
  aggregate?: readonly AggregationKind[];
  /** Bucket size of the `time` aggregation (`1m`, `1h`); chosen from the range by default. */
  bucket?: string;
}

/** A matching entry with match spans (UTF-16 offsets into `message`) and context. */
export interface SearchHit extends Entry {
  matches: [number, number][];
  context?: { before: Entry[]; after: Entry[] };
}

export interface Aggregations {
  level?: Partial<Record<LevelName, number>>;
  /** [value, count], most frequent first; '' is "no value". */
  thread?: [string, number][];
  service?: [string, number][];
  file?: [string, number][];
  time?: { bucketNs: number; buckets: [number, number][] };
  /** [bucket start ns, count per level], ascending; levels without matches left out. */
  timeLevel?: { bucketNs: number; buckets: [number, Partial<Record<LevelName, number>>][] };
}

export interface SearchResult {
  /** Exact number of matches, whatever the page size. */
  totalMatches: number;
  returned: number;
  offset: number;
  order: SearchOrder;
  entries: SearchHit[];
  nextCursor?: string;
  aggregations: Aggregations;
}

export interface CountResult {
  total: number;
  aggregations: Aggregations;
}

export interface IterateOptions {
  /** Entries fetched per native call (default 5000). */
  batchSize?: number;
  fields?: boolean;
  signal?: AbortSignal;
}
