/**
 * Child of `logsift-bench cache` (a fresh process per measurement, so that memory figures
 * are this open's own):
 * - `reopen FILE CACHE_DIR RUNS`: reopens FILE's cached index RUNS times in-process and
 *   reports the times, and the anonymous / file-backed memory added by the first reopen;
 * - `breakdown FILE CACHE_DIR QUERY`: where a warm call's time goes (module loading, addon
 *   load, open, query), from this process's start;
 * - `append FILE CACHE_DIR QUERY MORE ROUNDS`: one investigation held open; per round the
 *   bytes of the file MORE are appended to FILE, then a count (which re-checks the file and
 *   extends the index) and a warm count right after are timed.
 * Prints one `CACHE_RESULT {json}` line.
 */
import { appendFileSync, readFileSync } from 'node:fs';
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

async function append(file: string, cacheDir: string, q: string, more: string, rounds: number): Promise<unknown> {
  const api = await import('@logsift/api');
  const inv = await api.open(file, { cacheDir });
  const count = async (): Promise<{ ms: number; total: number }> => {
    const t = performance.now();
    const r = await inv.count({ q, caseSensitive: true });
    return { ms: performance.now() - t, total: r.total };
  };
  await count();
  await count();
  const chunk = readFileSync(more);
  const out: { after: number; warm: number; total: number }[] = [];
  for (let r = 0; r < rounds; r++) {
    appendFileSync(file, chunk);
    const after = await count();
    const warm = await count();
    out.push({ after: after.ms, warm: warm.ms, total: after.total });
  }
  const cache = (await inv.stats()).files.map((f) => f.cache).join(',');
  inv.close();
  return { rounds: out, cache };
}

const [mode, file, cacheDir, arg, more, rounds] = process.argv.slice(2);
if (!file || !cacheDir) throw new Error('usage: cache-child reopen|breakdown|append FILE CACHE_DIR [RUNS|QUERY] [MORE ROUNDS]');
const result =
  mode === 'reopen'
    ? await reopen(file, cacheDir, Number(arg ?? 5))
    : mode === 'append'
      ? await append(file, cacheDir, arg ?? 'timeout', String(more), Number(rounds ?? 5))
      : await breakdown(file, cacheDir, arg ?? 'timeout');
process.stdout.write(`CACHE_RESULT ${JSON.stringify(result)}\n`);
