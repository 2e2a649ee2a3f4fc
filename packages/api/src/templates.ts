/** Options of `Investigation.templates()`. */
export interface TemplatesOptions {
  /** At most this many templates (all when absent). */
  limit?: number;
  /** Only templates with at least one ERROR-or-above entry, most errors first. */
  errorsOnly?: boolean;
  /** Entry ids whose template ids to return alongside (`templateIds`, same order). */
  ids?: readonly number[];
  /** Also count each returned template in this many equal time buckets (1..500) over the data's range. */
  sparkline?: number;
}

/** One mined log template: the same message with different values. */
export interface Template {
  /** Stable for the same inputs (creation order over the index). */
  id: number;
  /** Tokens joined by single spaces, variables as `<*>`. */
  pattern: string;
  count: number;
  /** UTC nanoseconds of the earliest / latest timestamped entry of the template. */
  firstNs?: number;
  lastNs?: number;
  /** The first entry of the template (an id for `entries()`). */
  example: number;
  /** Token indexes in `pattern` that are (or contain) `<*>`. */
  parameters: number[];
  /** Entries at ERROR severity or above. */
  errorCount: number;
}

export interface TemplatesResult {
  /** Most frequent first (most errors first with `errorsOnly`). */
  templates: Template[];
  /** Templates matching the filter before `limit`. */
  total: number;
  /** Entries mined. */
  entries: number;
  truncated: boolean;
  /** Template id of each entry in `ids`, when asked for. */
  templateIds?: number[];
  /** With `sparkline`: per returned template (same order), its count per time bucket. */
  sparklines?: { firstNs: number; bucketNs: number; counts: number[][] };
}
