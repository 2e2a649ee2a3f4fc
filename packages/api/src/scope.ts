import type { Query } from './query.js';

/** Options every investigation op accepts to narrow its input. */
export interface ScopeOptions {
  /** The search query model: the op works on the entries it matches (files, time, filters). */
  query?: Query;
  /** Entry ids to work on (as returned by other ops); every entry when absent. */
  scope?: readonly number[];
}
