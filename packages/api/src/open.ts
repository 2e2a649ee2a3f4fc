import { UsageError } from './errors.js';
import { Investigation } from './investigation.js';
import { native } from './native.js';
import { runNative, type TaskControl } from './run-native.js';

/** How to read the sources. */
export interface OpenOptions extends TaskControl {
  /**
   * Force a format instead of detecting it per file: `json`, `logfmt`, `syslog`, `syslog5424`,
   * `access`, `apache-error`, `glog`, `text`, `raw`; or a custom format
   * `regex:<pattern>` whose named groups (`timestamp`, `level`, `message` (required),
   * `thread`, `request`, `trace`, `span`, `parent`, `service`, `component`, `pid`, any other
   * name as an extra field) fill the entry. A bad name or pattern rejects with
   * `INVALID_OPTION` / `INVALID_REGEX`.
   */
  format?: string;
  /** Zone for timestamps written without one: `UTC` (default) or an offset like `+02:00`. */
  timezone?: string;
  /** Year for timestamps written without one (syslog); default: each file's mtime year. */
  year?: number;
  /** Globs that files found in directories must match (`*.log`, `**\/app-*.json`). */
  include?: string[];
  /** Chunk size of the parallel build, in bytes. */
  chunkSize?: number;
  /** Build on one thread (the result is identical; for testing and measuring). */
  serial?: boolean;
}

const OPTION_KEYS = new Set(['format', 'timezone', 'year', 'include', 'chunkSize', 'serial', 'signal', 'onProgress']);

/**
 * Opens log sources (files, directories, globs; `.gz` and `.zst` too) and indexes them off
 * the main thread. Resolves to an `Investigation`.
 */
export async function open(sources: string | readonly string[], options: OpenOptions = {}): Promise<Investigation> {
  const list = typeof sources === 'string' ? [sources] : [...sources];
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new UsageError('INVALID_OPTION', `unknown open option '${key}'`, key);
  }
  const { signal, onProgress, ...rest } = options;
  const handle = await runNative((token) => native().open(list, JSON.stringify(rest), token), { signal, onProgress });
  return new Investigation(handle, list);
}
