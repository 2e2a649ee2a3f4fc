import type { Emerging } from './error-flow.js';
import type { ScopeOptions } from './scope.js';
import type { Entry, LevelName } from './types.js';

export interface TriageOptions extends ScopeOptions {
  /** Trend bucket size in ms (default: a round size giving at most 24 buckets). */
  bucketMs?: number;
  /** Entries per top list (default 5). */
  top?: number;
}

export interface Affected {
  name: string;
  errors: number;
  entries: number;
}

export interface TriageResult {
  entries: number;
  startNs: number | null;
  endNs: number | null;
  durationMs: number | null;
  levels: Partial<Record<LevelName, number>>;
  errors: number;
  errorRate: number;
  trend: 'rising' | 'falling' | 'stable' | 'unknown';
  bucketMs: number | null;
  buckets: { startNs: number; count: number; errors: number }[];
  topErrors: { template: string | null; count: number; example: string; exampleEntry: number; firstNs: number | null }[];
  /** Error templates that start partway through the scope: what changed. */
  emergingErrors: Emerging[];
  services: Affected[];
  threads: Affected[];
  firstError: Entry | null;
  /** Commands worth running next (`logsift follow <id>`, ...). */
  suggestions: string[];
}
