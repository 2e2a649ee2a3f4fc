/**
 * Child of `logsift-bench cache` (a fresh process per measurement, so that memory figures
 * are this open's own):
 * - `reopen FILE CACHE_DIR RUNS`: reopens FILE's cached index RUNS times in-process and
 *   reports the times, and the anonymous / file-backed memory added by the first reopen;
 * - `breakdown FILE CACHE_DIR QUERY`: where a warm call's time goes (module loading, addon
 *   load, open, query), from this process's start.
 * Prints one `CACHE_RESULT {json}` line.
 */
import { performance } from 'node:perf_hooks';
import { collectGarbage, snapshot } from './memory.js';

async function reopen(file: string, cacheDir: string, runs: number): Promise<unknown> {
  const api = await import('@logsift/api');
  api.diskCacheInfo({ dir: cacheDir }); // loads the addon outside the measured window
  collectGarbage();
  const before = snapshot();
  const times: number[] = [];
  let after = before;
  let entries = 0;
  const origins: string[] = [];
  const held: { close(): void }[] = [];
  for (let r = 0; r < runs; r++) {
    api.clearIndexCache();
    const t = performance.now();
    const inv = await api.open(file, { cacheDir });
    times.push(performance.now() - t);
    const stats = await inv.stats();
    entries = stats.entries;
    origins.push(stats.files.map((f) => f.cache).join(','));
    if (r === 0) {
      await inv.count({ q: 'timeout' });
      collectGarbage();
      after = snapshot();
      held.push(inv);
    } else inv.close();
  }
  for (const h of held) h.close();
  return {
    times,
    entries,
    origins,
    anonBytes: after.anonRss - before.anonRss,
    fileBytes: after.fileRss - before.fileRss,
    jsHeapBytes: after.jsHeapUsed - before.jsHeapUsed,
  };
}

async function breakdown(file: string, cacheDir: string, q: string): Promise<unknown> {
  const start = performance.now(); // ms since this process started
  const api = await import('@logsift/api');
  const imported = performance.now();
  api.diskCacheInfo({ dir: cacheDir });
  const addon = performance.now();
  const inv = await api.open(file, { cacheDir });
  const opened = performance.now();
  const r = await inv.count({ q, caseSensitive: true });
  const counted = performance.now();
  return {
    nodeStartMs: start,
    apiImportMs: imported - start,
    addonLoadMs: addon - imported,
    openMs: opened - addon,
    queryMs: counted - opened,
    total: r.total,
    cache: (await inv.stats()).files.map((f) => f.cache).join(','),
  };
}

const [mode, file, cacheDir, arg] = process.argv.slice(2);
if (!file || !cacheDir) throw new Error('usage: cache-child reopen|breakdown FILE CACHE_DIR [RUNS|QUERY]');
const result = mode === 'reopen' ? await reopen(file, cacheDir, Number(arg ?? 5)) : await breakdown(file, cacheDir, arg ?? 'timeout');
process.stdout.write(`CACHE_RESULT ${JSON.stringify(result)}\n`);
