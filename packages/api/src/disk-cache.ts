import { native } from './native.js';
import { callNativeSync } from './run-native.js';

/** One persisted index (a file in the cache directory). */
export interface DiskCacheFile {
  /** The cache file. */
  file: string;
  bytes: number;
  /** Last use, milliseconds since the epoch (the LRU clock). */
  usedMs: number;
  /** The source it indexes, its size on disk, its entries, and the options that keyed it (null when unreadable as a cache file of this version: it would be rebuilt). */
  source: string | null;
  sourceBytes: number | null;
  entries: number | null;
  options: string | null;
}

/** The persistent index cache: where it is, its bound, and what it holds (most recently used first). */
export interface DiskCacheInfo {
  dir: string;
  maxBytes: number;
  files: DiskCacheFile[];
}

export interface DiskCacheLocation {
  /** The cache directory; default `$LOGSIFT_CACHE_DIR`, else `$XDG_CACHE_HOME/logsift`, else `~/.cache/logsift`. */
  dir?: string;
}

/** Lists the persisted indexes. */
export function diskCacheInfo(options: DiskCacheLocation = {}): DiskCacheInfo {
  return JSON.parse(callNativeSync(() => native().cacheList(options.dir))) as DiskCacheInfo;
}

/** Removes every persisted index; says how many files and bytes. */
export function clearDiskCache(options: DiskCacheLocation = {}): { dir: string; removed: number; bytes: number } {
  return JSON.parse(callNativeSync(() => native().cacheClear(options.dir))) as { dir: string; removed: number; bytes: number };
}
