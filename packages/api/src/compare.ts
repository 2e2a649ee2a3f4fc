import type { RulesOptions } from './correlation-rules.js';
import type { Query } from './query.js';

/** Options of `Investigation.compare()`. */
export interface CompareOptions extends RulesOptions {
  /** Id kind of both ids (`request`, `thread`, `trace`, `span`, `virtual` with `rules`); auto-detected when absent. */
  kind?: string;
  /** Scope both sides (time range, filters). */
  query?: Query;
}

export interface SequenceSide {
  entries: number;
  errors: number;
  outcome: 'ok' | 'error';
  firstNs?: number;
  lastNs?: number;
  durationNs?: number;
  /** Entry id of the first error. */
  firstError?: number;
}

export interface SequenceStep {
  entry: number;
  templateId: number;
  pattern: string;
}

export interface CompareResult {
  a: string;
  b: string;
  comparison: {
    a: SequenceSide;
    b: SequenceSide;
    /** The first position where their template sequences differ; absent when they agree. */
    divergence?: { index: number; a?: SequenceStep; b?: SequenceStep };
  };
}

/** Options of `Investigation.diff()`: each side is a query, usually a time range. */
export interface DiffOptions {
  a: Query;
  b: Query;
  /** Templates listed per category (default 10). */
  top?: number;
}

export interface PeriodSide {
  entries: number;
  errors: number;
  errorRate: number;
  firstNs?: number;
  lastNs?: number;
}

export interface TemplateChange {
  templateId: number;
  pattern: string;
  countA: number;
  countB: number;
  /** count / that period's entries. */
  shareA: number;
  shareB: number;
  /** shareB − shareA. */
  change: number;
  example: number;
}

export interface DiffResult {
  a: PeriodSide;
  b: PeriodSide;
  appeared: TemplateChange[];
  vanished: TemplateChange[];
  changed: TemplateChange[];
  templateCount: number;
}
