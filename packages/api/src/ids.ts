import type { ScopeOptions } from './scope.js';

/** Kinds of ids the index keeps a posting list for. */
export type IdKind = 'thread' | 'request' | 'trace' | 'span' | 'service';

/** A kind an id value was found in, with its entry count (several: the id was ambiguous). */
export interface KindMatch {
  kind: IdKind;
  entries: number;
}

export interface IdsOptions extends ScopeOptions {
  /** One kind; all five when absent. */
  kind?: IdKind;
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
  kind: IdKind;
  /** Distinct ids of this kind in scope, before `limit`. */
  total: number;
  ids: IdListItem[];
}

export interface IdsResult {
  kinds: IdKindList[];
}
