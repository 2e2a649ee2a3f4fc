import type { KindMatch, IdKind } from './ids.js';
import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';
import type { Entry } from './types.js';

export interface FollowOptions extends ScopeOptions, RulesOptions {
  /** Auto-detected when absent: a virtual id of `rules` first, then the kind with the most entries (ties: request, trace, span, thread). */
  kind?: IdKind | VirtualKind;
  /** The page of records returned, as `entryIds` and materialized `entries` (default offset 0, limit 100). */
  offset?: number;
  limit?: number;
  /** Include each materialized entry's parsed fields. */
  fields?: boolean;
}

export interface FollowResult {
  id: string;
  kind: IdKind | VirtualKind;
  matchedKinds: KindMatch[];
  /** Records of the id in scope. The summary (times, services, threads, outcome, errors) covers all of them. */
  total: number;
  /**
   * Entry ids of the page `offset..offset+limit` of the records in time order (the ids of
   * `entries`). Page on with `offset: nextOffset`.
   */
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
  /** `offset` of the next page; `null` on the last page. */
  nextOffset: number | null;
  /** The page's records, materialized (same order as `entryIds`). */
  entries: Entry[];
}
