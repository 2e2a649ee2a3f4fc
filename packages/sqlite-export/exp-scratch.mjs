import { open } from '@logsift/api';
import { rmSync, statSync } from 'node:fs';
import { exportToSqlite, dbToJsonl } from './dist/index.js';
const [input, db, what = 'export'] = process.argv.slice(2);
const inv = await open(input);
await inv.stats();
globalThis.gc?.();
const mem = () => { const m = process.memoryUsage(); return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers }; };
const base = mem(); const cpu0 = process.cpuUsage();
let peak = { ...base };
const timer = setInterval(() => { const m = mem(); for (const k in m) peak[k] = Math.max(peak[k], m[k]); }, 20);
const t = performance.now();
let rows;
if (what === 'export') {
  for (const s of ['', '-wal', '-shm']) rmSync(db + s, { force: true });
  rows = (await exportToSqlite(inv, db, { fts: process.env.FTS !== "0",  onProgress: () => { const m = mem(); for (const k in m) peak[k] = Math.max(peak[k], m[k]); } })).rows;
} else {
  rows = (await dbToJsonl(db, '/tmp/exp-scratch/out.jsonl', undefined, { onProgress: () => { const m = mem(); for (const k in m) peak[k] = Math.max(peak[k], m[k]); } })).rows;
}
const dt = performance.now() - t; const cpu = process.cpuUsage(cpu0); const cpuMs = (cpu.user + cpu.system) / 1000;
clearInterval(timer);
const MB = (x) => (x / 2 ** 20).toFixed(1);
console.log(`${what} ${rows} rows ${dt | 0} ms ${(rows / dt * 1000) | 0} rows/s; growth: rss ${MB(peak.rss - base.rss)} MB, heap ${MB(peak.heap - base.heap)} MB, external ${MB(peak.ext - base.ext)} MB; db ${MB(statSync(db).size)} MB; cpu ${cpuMs | 0} ms (${(rows / cpuMs * 1000) | 0} rows per cpu-s)`);
