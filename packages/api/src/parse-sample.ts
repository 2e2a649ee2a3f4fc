/** Options of `Investigation.parseSample` (what `logsift format test` shows). */
export interface ParseSampleOptions {
  /** Lines read from the start of the file (default 20, at most 1000). */
  lines?: number;
  /** Which opened file (default 0, the first). */
  file?: number;
}

/** One line of the sample, as the file's format read it. */
export interface ParsedLine {
  /** 1-based line number in the file. */
  line: number;
  /** The format's header matched the line (false: it would continue the previous record). */
  matched: boolean;
  text: string;
  /** The instant read from the timestamp, RFC 3339 UTC; absent when none was read. */
  time?: string;
  level?: string;
  message?: string;
  /** Ids read, by kind (thread, request, trace, span, parent, service). */
  ids?: Record<string, string>;
  /** Every field the format reads from the line: its columns and the extra groups. */
  fields?: Record<string, unknown>;
}

export interface ParseSampleResult {
  path: string;
  /** The format family the file was read with (`custom` for regex and saved formats). */
  format: string;
  matched: number;
  unmatched: number;
  lines: ParsedLine[];
}
