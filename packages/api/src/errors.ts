/** Stable error codes shared by the engine, the API and the CLI. */
export type LogsiftErrorCode =
  | 'ENOENT'
  | 'NO_INPUT'
  | 'BINARY_INPUT'
  | 'IO_ERROR'
  | 'DECOMPRESS_ERROR'
  | 'INVALID_OPTION'
  | 'INVALID_QUERY'
  | 'INVALID_REGEX'
  | 'REGEX_TOO_LARGE'
  | 'INVALID_TIME'
  | 'UNKNOWN_ID'
  | 'SOURCE_CHANGED'
  | 'CANCELLED'
  | 'CLOSED'
  | 'INVALID_MAPPING'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_SESSION'
  | 'SESSION_EXISTS'
  | 'UNKNOWN_NOTE'
  | 'NOTE_ALREADY_UNDONE'
  | 'SQL_NOT_READ_ONLY'
  | 'DB_LOCKED'
  | 'DB_READ_ONLY'
  | 'DB_ERROR'
  | 'INTERNAL'
  | 'EACCES'
  | 'INPUT_TOO_LARGE';

const marker = Symbol.for('logsift.error');

/** Every error logsift throws. `code` is stable; `location` says where (path, query position). */
export class LogsiftError extends Error {
  readonly [marker] = true;
  readonly code: LogsiftErrorCode;
  readonly location: string | undefined;

  constructor(code: LogsiftErrorCode, message: string, location?: string) {
    super(message);
    this.name = 'LogsiftError';
    this.code = code;
    this.location = location;
  }

  /** True for any logsift error, even one from another copy of this package. */
  static isInstance(value: unknown): value is LogsiftError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A path, file or directory that does not exist, or inputs that hold no logs. */
export class InputError extends LogsiftError {
  constructor(code: LogsiftErrorCode, message: string, location?: string) {
    super(code, message, location);
    this.name = 'InputError';
  }
  static override isInstance(value: unknown): value is InputError {
    return LogsiftError.isInstance(value) && INPUT_CODES.has(value.code);
  }
}

/** A bad option, query, regex or time expression. */
export class UsageError extends LogsiftError {
  constructor(code: LogsiftErrorCode, message: string, location?: string) {
    super(code, message, location);
    this.name = 'UsageError';
  }
  static override isInstance(value: unknown): value is UsageError {
    return LogsiftError.isInstance(value) && USAGE_CODES.has(value.code);
  }
}

/** The operation was cancelled through its AbortSignal. */
export class CancelledError extends LogsiftError {
  constructor(message = 'the operation was cancelled') {
    super('CANCELLED', message);
    this.name = 'CancelledError';
  }
  static override isInstance(value: unknown): value is CancelledError {
    return LogsiftError.isInstance(value) && value.code === 'CANCELLED';
  }
}

const INPUT_CODES = new Set<LogsiftErrorCode>([
  'ENOENT',
  'NO_INPUT',
  'BINARY_INPUT',
  'IO_ERROR',
  'DECOMPRESS_ERROR',
  'SOURCE_CHANGED',
  'EACCES',
  'INPUT_TOO_LARGE',
]);
const USAGE_CODES = new Set<LogsiftErrorCode>([
  'INVALID_OPTION',
  'INVALID_QUERY',
  'INVALID_REGEX',
  'REGEX_TOO_LARGE',
  'INVALID_TIME',
  'UNKNOWN_ID',
  'INVALID_MAPPING',
  'INVALID_CONFIG',
  'UNKNOWN_SESSION',
  'SESSION_EXISTS',
  'UNKNOWN_NOTE',
  'NOTE_ALREADY_UNDONE',
  'SQL_NOT_READ_ONLY',
]);

/** Builds the right subclass for a code. */
export function errorFor(code: LogsiftErrorCode, message: string, location?: string): LogsiftError {
  if (code === 'CANCELLED') return new CancelledError(message);
  if (INPUT_CODES.has(code)) return new InputError(code, message, location);
  if (USAGE_CODES.has(code)) return new UsageError(code, message, location);
  return new LogsiftError(code, message, location);
}

/** Turns an error thrown by the native addon (JSON reason) into a typed LogsiftError. */
export function fromNative(error: unknown): LogsiftError {
  if (LogsiftError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { logsift?: boolean; code?: LogsiftErrorCode; message?: string; location?: string | null };
    if (parsed.logsift === true && parsed.code) {
      return errorFor(parsed.code, parsed.message ?? 'unknown error', parsed.location ?? undefined);
    }
  } catch {
    // Not one of ours: fall through to INTERNAL with the original text.
  }
  return new LogsiftError('INTERNAL', message);
}
