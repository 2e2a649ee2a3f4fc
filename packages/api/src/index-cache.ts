import type { NativeInvestigation } from './native.js';

/** Identity of one indexed file: re-opening is a hit only while all of these are unchanged. */
export interface FileIdentity {
  path: string;
  size: number;
  mtimeNs: number;
}

const MAX_ENTRIES = 8;
const cache = new Map<string, NativeInvestigation>();

/** Cache key: the files' identities plus the options that change what the index holds. */
export function cacheKey(files: readonly FileIdentity[], options: object): string {
  return JSON.stringify([files, options]);
}

/** A cached index for this key, refreshed as most recently used. */
export function cachedIndex(key: string): NativeInvestigation | undefined {
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
  }
  return hit;
}

/** Remembers an index, evicting the least recently used beyond the bound. */
export function rememberIndex(key: string, handle: NativeInvestigation): void {
  cache.set(key, handle);
  while (cache.size > MAX_ENTRIES) {
    const oldest = cache.keys().next().value;
    if (oldest === undefined) break;
    cache.delete(oldest);
  }
}

/** Drops every cached index (their memory is freed once no Investigation uses them). */
export function clearIndexCache(): void {
  cache.clear();
}
