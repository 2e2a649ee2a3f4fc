/**
 * Correlation rules: join entries that share no id into virtual traces, which every method
 * taking an id (`follow`, `timeline`, `hierarchy`, `ids`, `bottlenecks`, `errorFlow`,
 * `exportTrace`, `compare`) accepts like a real id (kind `virtual`). Computed once per
 * investigation and rule set by the engine (`ops/correlate_rules.rs`). Saved in
 * `logsift.config.json` too (`configRules`).
 */
export type CorrelationRule =
  /** Entries whose value of any of `fields` is equal join (a producer's `job_id` and a consumer's `job`). Ids: `<name>:<value>`, name defaulting to the first field. */
  | { type: 'field_match'; fields: string[]; name?: string }
  /** Consecutive records of one thread at most `withinMs` apart join. Ids (when no field names them): `<name>:<thread>#<k>`, name defaulting to `thread`. */
  | { type: 'temporal'; withinMs: number; name?: string };

export interface RulesOptions {
  /** Correlation rules whose virtual trace ids this call accepts (1 to 16 rules). */
  rules?: CorrelationRule[];
}

/** The kind of a correlation rule's id. */
export type VirtualKind = 'virtual';
