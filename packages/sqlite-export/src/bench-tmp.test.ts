import { open } from '@logsift/api';
import { rmSync } from 'node:fs';
import { it } from 'vitest';
import { exportToSqlite } from './index.js';
it('bench', async () => {
  const path = process.env.IN ?? '/tmp/sq/1m.jsonl';
  const inv = await open(path);
  for (const f of ['/tmp/sq/out.sqlite', '/tmp/sq/out.sqlite-wal', '/tmp/sq/out.sqlite-shm']) rmSync(f, { force: true });
  const rss0 = process.memoryUsage().rss;
  let maxRss = rss0, maxHeap = 0;
  const t0 = performance.now();
  const r = await exportToSqlite(inv, '/tmp/sq/out.sqlite', { fts: process.env.FTS !== '0', fields: process.env.FIELDS !== '0', onProgress: () => { const m = process.memoryUsage(); maxRss = Math.max(maxRss, m.rss); maxHeap = Math.max(maxHeap, m.heapUsed); } });
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ rows: r.rows, ms: Math.round(ms), rowsPerS: Math.round(r.rows / ms * 1000), rssGrowthMB: ((maxRss - rss0) / 1e6).toFixed(1), maxHeapMB: (maxHeap / 1e6).toFixed(1) }));
}, 600_000);
