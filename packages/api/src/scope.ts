/** Options every investigation op accepts to narrow its input. */
export interface ScopeOptions {
  /** Entry ids to work on (as returned by other ops); every entry when absent. */
  scope?: readonly number[];
}
