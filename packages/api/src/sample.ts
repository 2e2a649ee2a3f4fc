import type { ScopeOptions } from './scope.js';
import type { Entry } from './types.js';

export type SampleStrategy = 'random' | 'diverse' | 'chronological' | 'errors' | 'head' | 'tail' | 'edges';

export interface SampleOptions extends ScopeOptions {
  strategy: SampleStrategy;
  /** Records to return (default 20). */
  size?: number;
  /** `random` only (default 42). */
  seed?: number;
  fields?: boolean;
}

export interface Covered {
  covered: number;
  total: number;
}

export interface SampleResult {
  strategy: SampleStrategy;
  size: number;
  scopeSize: number;
  seed: number | null;
  /** Sampled entry ids, in index order. */
  entryIds: number[];
  items: { reason: string; entry: Entry }[];
  coverage: { levels: Covered; threads: Covered; services: Covered; templates: Covered };
}
