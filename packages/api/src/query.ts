/** One value or several. */
export type OneOrMany<T> = T | readonly T[];

/**
 * The query model shared by search and every investigation operation. All given parts must
 * hold. `q` is the compact string form, parsed into the same model:
 * `level>=error service:checkout "connection reset" -healthcheck duration_ms>500`.
 */
export interface Query {
  /** Compact query string (words, "phrases", a OR b, -word, /regex/i, key:value, field>=N, last:1h). */
  q?: string;
  /** Substrings that must all occur (in the message and its continuation lines). */
  text?: OneOrMany<string>;
  /** Substrings of which at least one must occur. */
  any?: readonly string[];
  /** Substrings that must not occur. */
  exclude?: OneOrMany<string>;
  /** A regular expression (Rust regex syntax). */
  regex?: string;
  /** Text terms match case-sensitively (default: case-insensitive). */
  caseSensitive?: boolean;
  /** Match text against the whole raw record instead of the message. */
  raw?: boolean;
  /** Exact levels (names or severity numbers). */
  level?: OneOrMany<string>;
  /** At least this level: `warn` keeps WARN, ERROR and FATAL. */
  minLevel?: string;
  thread?: OneOrMany<string>;
  request?: OneOrMany<string>;
  trace?: OneOrMany<string>;
  span?: OneOrMany<string>;
  service?: OneOrMany<string>;
  /** Field conditions: `status>=500`, `user.id=42`, `error exists`, `code in (500,503)`. */
  where?: OneOrMany<string>;
  /** Time bounds: ISO-8601, epoch, or relative (`-1h`). */
  after?: string;
  before?: string;
  /** Only the last duration of data: `30m`, `2h`, `7d`. */
  last?: string;
  /** What relative times count back from: the newest record (`end`, default) or the clock. */
  relativeTo?: 'end' | 'now';
  /** Only these files (as opened, or base names). */
  files?: OneOrMany<string>;
}
