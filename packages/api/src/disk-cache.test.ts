import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearDiskCache, diskCacheInfo } from './disk-cache.js';
import { generate } from './generate.js';
import { clearIndexCache } from './index-cache.js';
import { open } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'logsift-disk-cache-'));
const cacheDir = join(dir, 'cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the persistent index cache', () => {
  it('writes an index, maps it back in another open, and lists and clears it', async () => {
    const file = join(dir, 'a.jsonl');
    writeFileSync(file, generate({ entries: 2000, seed: 3 }));
    const built = await open(file, { cacheDir });
    expect((await built.stats()).files[0]?.cache).toBe('built');
    clearIndexCache(); // so the next open is not the in-process reuse
    const hit = await open(file, { cacheDir });
    const stats = await hit.stats();
    expect(stats.files[0]?.cache).toBe('hit');
    expect(await hit.count({ q: 'timeout' })).toEqual(await built.count({ q: 'timeout' }));
    const info = diskCacheInfo({ dir: cacheDir });
    expect(info.files).toHaveLength(1);
    expect(info.files[0]).toMatchObject({ source: file, entries: 2000 });
    expect(clearDiskCache({ dir: cacheDir }).removed).toBe(1);
    expect(diskCacheInfo({ dir: cacheDir }).files).toHaveLength(0);
    clearIndexCache();
    const off = await open(file, { cacheDir, cache: false });
    expect((await off.stats()).files[0]?.cache).toBe('off');
    expect(diskCacheInfo({ dir: cacheDir }).files).toHaveLength(0);
  });

  it('an open investigation sees lines appended since, as exactly the new entries', async () => {
    const file = join(dir, 'live.jsonl');
    writeFileSync(file, generate({ entries: 1000, seed: 5 }));
    const inv = await open(file, { cacheDir });
    const [last] = await inv.entries([999]);
    appendFileSync(file, '{"time":"2024-01-15T09:00:00Z","level":"error","msg":"appended one"}\n{"time":"2024-01-15T09:00:01Z","level":"info","msg":"appended two"}\n');
    const stats = await inv.stats();
    expect(stats.entries).toBe(1002);
    expect(stats.files[0]?.cache).toBe('extended');
    const page = await inv.search({ q: 'appended' });
    expect(page.entries.map((e) => [e.id, e.message])).toEqual([
      [1000, 'appended one'],
      [1001, 'appended two'],
    ]);
    // Old entry ids still name the same entries.
    expect((await inv.entries([999]))[0]).toEqual(last);
    // Truncated under it: re-indexed, not a fault.
    writeFileSync(file, '{"level":"info","msg":"fresh"}\n');
    expect((await inv.stats()).entries).toBe(1);
  });
});
