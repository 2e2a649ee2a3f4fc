import type { Query } from './query.js';
import type { ScopeOptions } from './scope.js';
import type { Entry } from './types.js';

/** What to look around: exactly one of these. */
export type CorrelateAnchor =
  /** An entry id (as other results give it). */
  | { entry: number }
  /** `FILE:LINE` (a path as opened, or a unique base name). */
  | { line: string }
  /** A time: RFC 3339, epoch seconds, or relative to the end of the data (`-10m`). */
  | { time: string }
  /** The earliest entry this query matches. */
  | { trigger: Query };

export interface CorrelateOptions extends ScopeOptions {
  /** Half-width of the window: this long before and after the anchor (default `30s`). */
  window?: string;
  /** Baseline: this long before the window (default: everything before it). */
  baseline?: string;
  /** Templates listed (default 20). */
  limit?: number;
}

export interface NameCount {
  name: string;
  count: number;
}

export interface CorrelatedEvent {
  templateId: number;
  pattern: string;
  windowCount: number;
  baselineCount: number;
  /** λ: occurrences the baseline rate predicts in the window, `(baselineCount + ½) · W / B`. */
  expected: number;
  /** Smoothed rate ratio `((windowCount + ½)/W) / ((baselineCount + ½)/B)`. */
  rateRatio: number;
  /** −log10 P(X ≥ windowCount) for X ~ Poisson(expected); 0 when not above expectation. */
  surprise: number;
  /** Never seen in the baseline. */
  new: boolean;
  errorCount: number;
  /** Its first entry in the window, and its time relative to the anchor (negative: before). */
  first: Entry;
  offsetMs: number;
  /** Services (else files) of its window entries, most first (top 5). */
  services: NameCount[];
}

export interface CorrelateSpan {
  startNs: number;
  endNs: number;
  durationMs: number;
  entries: number;
}

export interface CorrelateResult {
  anchor: { kind: 'entry' | 'line' | 'time' | 'trigger'; ns: number; entry: Entry | null };
  window: CorrelateSpan;
  baseline: CorrelateSpan;
  /** The window starts the data: no baseline time, expectations are the smoothing alone. */
  baselineEmpty: boolean;
  /** Scoped entries without a timestamp (in neither window nor baseline). */
  untimed: number;
  /** Distinct templates in the window. */
  templates: number;
  /** Most surprising first. */
  events: CorrelatedEvent[];
  truncated: boolean;
  /** Entries per service (else file) in the window. */
  services: NameCount[];
}
