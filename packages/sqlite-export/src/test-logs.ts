import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const LEVELS = ['info', 'info', 'debug', 'warn', 'error', 'info', 'trace', 'fatal'];
const SERVICES = ['checkout', 'cart', 'auth'];

/** One deterministic JSON log line (entry `i`), microsecond timestamps, ids and extra fields. */
export function jsonLogLine(i: number, startMs = Date.UTC(2024, 0, 1)): string {
  const t = new Date(startMs + Math.floor(i * 7.5)).toISOString().replace('Z', `${String(i % 1000).padStart(3, '0')}Z`);
  const rec: Record<string, unknown> = {
    time: t,
    level: LEVELS[i % LEVELS.length],
    msg: `request ${i} handled path=/api/items/${i % 97} status=${200 + (i % 4) * 100}`,
    service: SERVICES[i % SERVICES.length],
    thread: `worker-${i % 8}`,
    request_id: `req-${Math.floor(i / 4)}`,
    trace_id: `trace-${Math.floor(i / 8)}`,
    span_id: `span-${i}`,
    duration_ms: i % 1000,
    user: { id: i % 31 },
  };
  if (i % 8 !== 0) rec.parent_span_id = `span-${i - 1}`;
  return JSON.stringify(rec);
}

/** Writes `n` lines of `jsonLogLine` (starting at `from`) to `path`, streamed. */
export async function writeJsonLog(path: string, n: number, options: { from?: number; append?: boolean } = {}): Promise<void> {
  const out = createWriteStream(path, { flags: options.append ? 'a' : 'w' });
  const from = options.from ?? 0;
  let chunk = '';
  for (let i = from; i < from + n; i++) {
    chunk += jsonLogLine(i) + '\n';
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  await new Promise<void>((resolve, reject) => {
    out.once('error', reject);
    out.end(chunk, () => resolve());
  });
}

/** What an export left in `dbPath`: integrity, rows, highest line, distinct offsets, and the progress marker. */
export function inspectExport(dbPath: string): { integrity: string; rows: number; maxLine: number; distinct: number; marker: number } {
  const db = new Database(dbPath);
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])[0]!.integrity_check;
    const r = db.prepare('SELECT count(*) AS rows, coalesce(max(line), 0) AS maxLine, count(DISTINCT offset) AS distinct_ FROM entries').get() as {
      rows: number;
      maxLine: number;
      distinct_: number;
    };
    const m = db.prepare('SELECT coalesce(sum(rows), 0) AS n FROM export_progress').get() as { n: number };
    return { integrity, rows: r.rows, maxLine: r.maxLine, distinct: r.distinct_, marker: m.n };
  } finally {
    db.close();
  }
}

/** A scratch directory holding `big.jsonl` (`total` entries) and the path of an export to write there. */
export async function exportScratch(prefix: string, total: number): Promise<{ dir: string; input: string; dbPath: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const input = join(dir, 'big.jsonl');
  await writeJsonLog(input, total);
  return { dir, input, dbPath: join(dir, 'out.sqlite') };
}
