import { LogsiftError } from '@logsift/api';

/** Exit codes: 0 found, 1 nothing found, 2 bad usage or input, 3 internal or I/O failure. */
export const EXIT = { found: 0, nothing: 1, usage: 2, internal: 3 } as const;

/** The one JSON envelope every command prints. */
export interface Envelope {
  ok: boolean;
  command: string;
  inputs: { sources: string[]; options: Record<string, unknown> };
  data?: unknown;
  summary?: Record<string, unknown>;
  truncated?: { list: string; kept: number; total: number } | false;
  error?: { code: string; message: string; hint?: string; location?: string };
  elapsedMs: number;
}

const USAGE_CODES = new Set(['INVALID_OPTION', 'INVALID_QUERY', 'INVALID_REGEX', 'INVALID_TIME', 'UNKNOWN_ID', 'USAGE']);
const INPUT_CODES = new Set(['ENOENT', 'NO_INPUT', 'BINARY_INPUT', 'DECOMPRESS_ERROR', 'SOURCE_CHANGED']);

/** Exit code for an error: bad usage or input → 2, anything else → 3. */
export function exitCodeFor(code: string): number {
  return USAGE_CODES.has(code) || INPUT_CODES.has(code) ? EXIT.usage : EXIT.internal;
}

const HINTS: Record<string, string> = {
  ENOENT: 'check the path; directories and globs are accepted too',
  NO_INPUT: 'point at a log file, a directory holding logs, or a glob',
  BINARY_INPUT: 'this file is not text; pass log files (plain, .gz or .zst)',
  INVALID_REGEX: 'the pattern uses Rust regex syntax; escape special characters with a backslash',
  INVALID_QUERY: 'see `logsift search --help` for the query syntax',
  USAGE: 'run the command with --help',
};

/** Turns any thrown value into the error part of the envelope. */
export function describeError(error: unknown): { code: string; message: string; hint?: string; location?: string } {
  if (LogsiftError.isInstance(error)) {
    const hint = HINTS[error.code];
    return {
      code: error.code,
      message: error.message,
      ...(hint ? { hint } : {}),
      ...(error.location ? { location: error.location } : {}),
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'INTERNAL', message };
}
