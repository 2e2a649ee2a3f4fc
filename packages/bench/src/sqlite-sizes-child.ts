// Child process of `logsift-bench sqlite-sizes`: runs ONE export (SQLite or Parquet) or
// db-to-jsonl and prints its figures, so each measurement starts from a fresh process (peak
// RSS is process-wide).
import { statSync } from 'node:fs';
import { open } from '@logsift/api';
import { collectGarbage, peakRss, snapshot, type MemorySnapshot } from './memory.js';
import { resetPeak } from './peak-memory.js';

export interface SizeResult {
  op: 'export' | 'db-to-jsonl' | 'parquet';
  rows: number;
  ms: number;
  /** CPU time of the whole process (main thread, engine threads, SQLite), ms. */
  cpuMs: number;
  rowsPerSec: number;
  /** Peak minus before, each sampled (every 50 ms and on progress): RSS, anonymous RSS, JS heap. */
  rssGrowth: number;
  anonGrowth: number;
  heapGrowth: number;
  /** VmHWM after the run minus RSS before (the kernel's own peak, reset before the run). */
  hwmGrowth: number;
  outputBytes: number;
}

// For `parquet`, `db` is the output directory.
const [op, input, db, out] = process.argv.slice(2) as [string, string, string, string | undefined];
// Imported only when SQLite is measured: a Parquet run needs no exporter package.
const sqlite = op === 'parquet' ? undefined : ((await import('@logsift/sqlite-export')) as typeof import('@logsift/sqlite-export'));
const inv = op === 'db-to-jsonl' ? undefined : await open(input);
if (inv) await inv.stats();
collectGarbage();
const before = snapshot();
const peak: MemorySnapshot = { ...before };
const sample = (): void => {
  const s = snapshot();
  peak.rss = Math.max(peak.rss, s.rss);
  peak.anonRss = Math.max(peak.anonRss, s.anonRss);
  peak.jsHeapUsed = Math.max(peak.jsHeapUsed, s.jsHeapUsed);
};
const timer = setInterval(sample, 50);
resetPeak();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let rows: number;
let outputBytes: number;
if (inv && !sqlite) {
  const r = await inv.exportToParquet(db, {}, { onProgress: sample });
  rows = r.rows;
  outputBytes = r.bytes;
} else if (inv && sqlite) {
  rows = (await sqlite.exportToSqlite(inv, db, { onProgress: sample })).rows;
  outputBytes = statSync(db).size;
} else {
  const r = await (sqlite as NonNullable<typeof sqlite>).dbToJsonl(db, out as string, undefined, { onProgress: sample });
  rows = r.rows;
  outputBytes = r.bytes;
}
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
clearInterval(timer);
sample();
const result: SizeResult = {
  op: op as SizeResult['op'],
  rows,
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rowsPerSec: rows / (ms / 1000),
  rssGrowth: peak.rss - before.rss,
  anonGrowth: peak.anonRss - before.anonRss,
  heapGrowth: peak.jsHeapUsed - before.jsHeapUsed,
  hwmGrowth: peakRss() - before.rss,
  outputBytes,
};
process.stdout.write(`SIZE_RESULT ${JSON.stringify(result)}\n`);
