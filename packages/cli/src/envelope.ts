import { LogsiftError } from '@logsift/api';

/** Exit codes: 0 found, 1 nothing found, 2 bad usage or input, 3 internal or I/O failure. */
export const EXIT = { found: 0, nothing: 1, usage: 2, internal: 3 } as const;

/** One list that --max-bytes cut. */
export interface ListCut {
  /** Path of the list in the envelope, e.g. `data.entries`. */
  list: string;
  kept: number;
  total: number;
}

/** What --max-bytes left out: the first list cut, further lists, shortened strings. */
export interface Truncation extends Partial<ListCut> {
  /** Further lists cut (after the first one was emptied). */
  more?: ListCut[];
  /** Strings longer than this were cut to it (with a trailing …). */
  stringsCutTo?: number;
}

export interface ErrorInfo {
  code: string;
  message: string;
  hint?: string;
  location?: string;
}

/** The one JSON envelope every command prints. */
export interface SkippedEntry {
  path: string;
  code: string;
  reason: string;
}

export interface Envelope {
  ok: boolean;
  command: string;
  inputs: { args: string[]; options: Record<string, unknown> };
  data?: unknown;
  summary?: Record<string, unknown>;
  /** Files a directory walk found but could not read (symlink loop, unreadable, vanished, binary). */
  skipped?: SkippedEntry[];
  truncated: Truncation | false;
  error?: ErrorInfo;
  elapsedMs: number;
}

/** A CLI-level error (bad flag value, unknown field name) with a stable code. */
export class CliError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly location?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

const USAGE_CODES = new Set(['INVALID_OPTION', 'INVALID_QUERY', 'INVALID_REGEX', 'REGEX_TOO_LARGE', 'INVALID_TIME', 'UNKNOWN_ID', 'USAGE', 'SQL_NOT_READ_ONLY', 'INVALID_MAPPING', 'MISSING_DEPENDENCY', 'INVALID_CONFIG', 'UNKNOWN_SESSION', 'SESSION_EXISTS', 'UNKNOWN_NOTE', 'NOTE_ALREADY_UNDONE']);
const INPUT_CODES = new Set(['ENOENT', 'NO_INPUT', 'BINARY_INPUT', 'DECOMPRESS_ERROR', 'SOURCE_CHANGED', 'EACCES', 'INPUT_TOO_LARGE']);

/** Exit code for an error: bad usage or input → 2, anything else (I/O, internal) → 3. */
export function exitCodeFor(code: string): number {
  return USAGE_CODES.has(code) || INPUT_CODES.has(code) ? EXIT.usage : EXIT.internal;
}

const HINTS: Record<string, string> = {
  ENOENT: 'check the path; directories and globs are accepted too',
  NO_INPUT: 'point at a log file, a directory holding logs, or a glob',
  BINARY_INPUT: 'this file is not text; pass log files (plain, .gz or .zst)',
  INVALID_REGEX: 'the pattern uses Rust regex syntax; escape special characters with a backslash',
  REGEX_TOO_LARGE: 'large counted repetitions ({1000}) nested in each other explode the automaton: use smaller counts, + or *',
  INVALID_QUERY: 'see `logsift search --help` for the query syntax',
  INVALID_TIME: 'use RFC 3339 (2024-05-01T10:00:00Z) or a relative span (15m, 2h, 1d)',
  USAGE: 'run the command with --help',
  IO_ERROR: 'check that the file is readable and the disk is not full',
  EACCES: 'the file or directory is not readable by this user',
  INPUT_TOO_LARGE: 'raise --max-decompressed-bytes, or decompress the file elsewhere first',
  SOURCE_CHANGED: 'the file was truncated or rewritten while logsift read it; run the command again',
  SQL_NOT_READ_ONLY: 'only SELECT (or WITH ... SELECT) statements run; the database is opened read-only',
};

function clean(info: ErrorInfo): ErrorInfo {
  const hint = info.hint ?? HINTS[info.code];
  return {
    code: info.code,
    message: info.message,
    ...(hint ? { hint } : {}),
    ...(info.location ? { location: info.location } : {}),
  };
}

/** Turns any thrown value into the error part of the envelope. */
export function describeError(error: unknown): ErrorInfo {
  if (LogsiftError.isInstance(error)) return clean({ code: error.code, message: error.message, location: error.location });
  if (error instanceof CliError) return clean({ code: error.code, message: error.message, hint: error.hint, location: error.location });
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
