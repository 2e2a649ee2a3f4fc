import type { KindMatch, IdKind } from './ids.js';
import type { ScopeOptions } from './scope.js';
import type { Entry } from './types.js';

export interface FollowOptions extends ScopeOptions {
  /** Auto-detected when absent: the kind with the most entries (ties: request, trace, span, thread). */
  kind?: IdKind;
  /** Page of materialized entries (default offset 0, limit 100). */
  offset?: number;
  limit?: number;
  /** Include each materialized entry's parsed fields. */
  fields?: boolean;
}

export interface FollowResult {
  id: string;
  kind: IdKind;
  matchedKinds: KindMatch[];
  total: number;
  /** All entry ids, in time order. */
  entryIds: number[];
  firstNs: number | null;
  lastNs: number | null;
  first: string | null;
  last: string | null;
  durationMs: number | null;
  /** Services touched, in order of first appearance. */
  services: string[];
  threads: string[];
  outcome: 'error' | 'ok';
  errorCount: number;
  firstError: Entry | null;
  offset: number;
  limit: number;
  /** The page `offset..offset+limit` of `entryIds`, materialized. */
  entries: Entry[];
}
