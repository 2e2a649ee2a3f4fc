import type { HierarchyOptions } from './hierarchy.js';
import type { KindMatch } from './ids.js';

/** A hierarchy's options (with `rules`, a virtual id's tree). */
export interface BottlenecksOptions extends HierarchyOptions {
  /** Keep nodes lasting at least this many ms. */
  thresholdMs?: number;
  /** Keep nodes lasting at least this share (0..1) of the root; 0.1 when neither option is given. */
  minShare?: number;
  /** Default 20. */
  limit?: number;
}

export interface Bottleneck {
  node: number;
  name: string;
  kind: string;
  depth: number;
  durationMs: number;
  durationSource: 'record' | 'timestamps' | null;
  /** Duration minus the children's durations. */
  selfMs: number;
  share: number | null;
  errorCount: number;
  /** Node names from the root down. */
  path: string[];
}

export interface BottlenecksResult {
  id: string;
  kind: string;
  matchedKinds: KindMatch[];
  totalMs: number | null;
  thresholdMs: number | null;
  minShare: number | null;
  total: number;
  nodes: Bottleneck[];
  /** Node indexes (as in `hierarchy`) from the root down along the child ending last: what the root waited on. */
  criticalPath: number[];
}
