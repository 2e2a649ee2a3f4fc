import type { ScopeOptions } from './scope.js';
import type { Entry } from './types.js';

export interface VerifyPatternOptions extends ScopeOptions {
  /** Match the whole raw record instead of the message. */
  raw?: boolean;
  /** Values listed per named group (default 10, at most 1000). */
  top?: number;
  /** Histogram bucket in ms (default: a round size giving at most 60 buckets). */
  bucketMs?: number;
  /** Matching entries returned as examples (default 3, at most 100). */
  examples?: number;
}

export interface PatternValue {
  value: string;
  count: number;
  /** Share of the values the group captured. */
  share: number;
}

export interface PatternGroup {
  name: string;
  /** Matches in which the group took part (an optional group may not). */
  captured: number;
  distinct: number;
  /** `distinct` stopped at 100,000 (further new values are not told apart). */
  distinctCapped: boolean;
  top: PatternValue[];
}

export interface VerifyPatternResult {
  pattern: string;
  /** Named groups, in pattern order. */
  groups: string[];
  /** Entries tested (the scope). */
  scanned: number;
  matches: number;
  matchRate: number;
  /** Matches at ERROR or above. */
  errorMatches: number;
  /** Earliest and latest match in time. */
  first: Entry | null;
  last: Entry | null;
  values: PatternGroup[];
  /** Matches per bucket from `startNs`; null when no match has a timestamp. */
  histogram: { bucketMs: number; startNs: number; counts: number[] } | null;
  examples: Entry[];
}
