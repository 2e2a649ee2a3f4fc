import type { RulesOptions, VirtualKind } from './correlation-rules.js';
import type { ScopeOptions } from './scope.js';

/** Kinds of ids the index keeps a posting list for. */
export type IdKind = 'thread' | 'request' | 'trace' | 'span' | 'service';

/** A kind an id value was found in, with its entry count (several: the id was ambiguous). */
export interface KindMatch {
  kind: IdKind | VirtualKind;
  entries: number;
}

export interface IdsOptions extends ScopeOptions, RulesOptions {
  /** One kind; all five (and `virtual` with `rules`) when absent. */
  kind?: IdKind | VirtualKind;
  /** `count` (most entries first, default), `name`, or `first` (earliest first seen). */
  sort?: 'count' | 'name' | 'first';
  /** Ids returned per kind (default 100). */
  limit?: number;
}

export interface IdListItem {
  id: string;
  count: number;
  firstNs: number | null;
  lastNs: number | null;
  first: string | null;
  last: string | null;
}

export interface IdKindList {
  kind: IdKind | VirtualKind;
  /** Distinct ids of this kind in scope, before `limit`. */
  total: number;
  ids: IdListItem[];
}

export interface IdsResult {
  kinds: IdKindList[];
}
