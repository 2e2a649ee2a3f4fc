import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError, UsageError } from './errors.js';
import { cachedIndex, cacheKey, type FileIdentity, rememberIndex } from './index-cache.js';
import { Investigation } from './investigation.js';
import { native } from './native.js';
import { withResolvedFormat } from './saved-formats.js';
import { callNativeSync, runNative, type TaskControl } from './run-native.js';

/** How to read the sources. */
export interface OpenOptions extends TaskControl {
  /**
   * Force a format instead of detecting it per file: `json`, `logfmt`, `syslog`, `syslog5424`,
   * `access`, `apache-error`, `glog`, `text`, `raw`; or a custom format
   * `regex:<pattern>` whose named groups (`timestamp`, `level`, `message` (required),
   * `thread`, `request`, `trace`, `span`, `parent`, `service`, `component`, `pid`, any other
   * name as an extra field) fill the entry. A bad name or pattern rejects with
   * `INVALID_OPTION` / `INVALID_REGEX`. The name of a format saved in `logsift.config.json`
   * (project or user, see `savedFormats`) reads with that format.
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
  /**
   * Refuse a `.gz` / `.zst` input (or compressed stdin) that decompresses to more than this
   * many bytes: rejects with `INPUT_TOO_LARGE` as soon as the limit is passed. Default: no
   * limit (compressed inputs are decompressed as a stream into an unlinked temporary file in
   * `$TMPDIR`, which is memory-mapped, so the limit is on that file's size, not on memory).
   */
  maxDecompressedBytes?: number;
  /**
   * Reuse indexes: in this process, the index of an earlier `open` of the same unchanged
   * files (path, size, mtime) and options; across processes, the persistent index cache (one
   * file per source in `cacheDir`, mapped back in milliseconds; a file that only grew is
   * indexed for its new bytes only). Default true; false builds from the files and writes
   * nothing.
   */
  cache?: boolean;
  /**
   * Directory of the persistent index cache. Default `$LOGSIFT_CACHE_DIR`, else
   * `$XDG_CACHE_HOME/logsift`, else `~/.cache/logsift`; bounded by
   * `$LOGSIFT_CACHE_MAX_BYTES` (default 2 GiB, least recently used files removed first).
   */
  cacheDir?: string;
  /** Bytes to read instead of a path (how `-` / stdin is opened); `sources` names them. */
  data?: Buffer;
  /**
   * Parquet exports of logsift (`exportToParquet`) to open as well: directories (their
   * `*.parquet` files, in name order) or files. Each file is decoded once into JSON lines in an
   * unlinked temporary file, then read like any log. A directory without one is `NO_INPUT`.
   */
  parquet?: string | readonly string[];
}

const NATIVE_KEYS = ['format', 'timezone', 'year', 'include', 'chunkSize', 'serial', 'maxDecompressedBytes', 'cache', 'cacheDir'] as const;
const OPTION_KEYS = new Set<string>([...NATIVE_KEYS, 'signal', 'onProgress', 'data', 'parquet']);

/** The options a later `watch` of the same files reads them with. */
function readOptions(options: OpenOptions): Record<string, unknown> {
  const { format, timezone, year, include } = options;
  return Object.fromEntries(Object.entries({ format, timezone, year, include }).filter(([, v]) => v !== undefined));
}

/** Reads all of stdin (for the `-` source). */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The `.parquet` files of the `parquet` option's directories and files. */
function parquetFiles(paths: string | readonly string[]): string[] {
  const out: string[] = [];
  for (const p of typeof paths === 'string' ? [paths] : paths) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      throw new InputError('ENOENT', `no such file or directory: ${p}`, p);
    }
    if (!isDir) {
      out.push(p);
      continue;
    }
    const files = readdirSync(p)
      .filter((name) => name.endsWith('.parquet'))
      .sort()
      .map((name) => join(p, name));
    if (files.length === 0) throw new InputError('NO_INPUT', `${p} holds no .parquet files`, p);
    out.push(...files);
  }
  return out;
}

/**
 * Opens log sources (files, directories, globs; `.gz` and `.zst` too; `-` for stdin; Parquet
 * exports through `parquet`) and indexes them off the main thread. Resolves to an
 * `Investigation`. `open({ parquet: dir })` opens an export alone.
 */
export async function open(sources: string | readonly string[] | OpenOptions, options: OpenOptions = {}): Promise<Investigation> {
  if (typeof sources === 'object' && !Array.isArray(sources)) {
    options = { ...(sources as OpenOptions), ...options };
    sources = [];
  }
  const list = typeof sources === 'string' ? [sources] : [...(sources as readonly string[])];
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new UsageError('INVALID_OPTION', `unknown open option '${key}'`, key);
  }
  // A saved format's name becomes its custom format here, before the cache key is made: an
  // edited config file is a different format.
  options = withResolvedFormat(options);
  const nativeOptions: Record<string, unknown> = {};
  for (const key of NATIVE_KEYS) if (options[key] !== undefined) nativeOptions[key] = options[key];
  const optionsJson = JSON.stringify(nativeOptions);
  const control = { signal: options.signal, onProgress: options.onProgress };

  if (options.parquet !== undefined) {
    if (options.data !== undefined || list.includes('-')) {
      throw new UsageError('INVALID_OPTION', "'parquet' cannot be combined with stdin or data", 'parquet');
    }
    list.push(...parquetFiles(options.parquet));
  }
  if (options.data !== undefined || (list.length === 1 && list[0] === '-')) {
    const data = options.data ?? (await readStdin());
    const name = list[0] === '-' || list.length === 0 ? '<stdin>' : (list[0] as string);
    const handle = await runNative((token) => native().openBytes(name, data, optionsJson, token), control);
    return new Investigation(handle, [name]);
  }
  if (list.includes('-')) {
    throw new UsageError('INVALID_OPTION', "'-' (stdin) cannot be combined with other sources", '-');
  }

  const useCache = options.cache !== false;
  let key: string | undefined;
  if (useCache) {
    const files = JSON.parse(callNativeSync(() => native().identify(list, optionsJson))) as FileIdentity[];
    const { format, timezone, year, maxDecompressedBytes, cacheDir } = options;
    key = cacheKey(files, { format, timezone, year, maxDecompressedBytes, cacheDir });
    const hit = cachedIndex(key);
    if (hit) return new Investigation(hit, list, readOptions(options));
  }
  const handle = await runNative((token) => native().open(list, optionsJson, token), control);
  if (key !== undefined) rememberIndex(key, handle);
  return new Investigation(handle, list, readOptions(options));
}
