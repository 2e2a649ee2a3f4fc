import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { generateToFile } from '@logsift/api';
import Database from 'better-sqlite3';

/**
 * How `generateSqliteTable`'s table maps to log fields (the `@logsift/sqlite-export`
 * mapping format): an application table with epoch-millisecond times, numeric severities,
 * promoted id columns and a JSON `data` column, unlike logsift's own export.
 */
export const SQLITE_TABLE_MAPPING = {
  table: 'app_events',
  timestamp: { column: 'ts_ms', format: 'epoch_ms' as const },
  level: { column: 'severity', map: { '1': 'debug', '2': 'info', '3': 'warn', '4': 'error', '5': 'fatal' } },
  message: '{msg}',
  ids: { thread: 'worker', request: 'req', trace: 'trace', span: 'span', parentSpan: 'parent', service: 'svc' },
  json: 'data',
  orderBy: 'id',
};

const SEVERITY: Record<string, number> = { debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };
const PROMOTED = new Set(['time', 'level', 'msg', 'thread', 'request_id', 'trace_id', 'span_id', 'parent_span_id', 'service']);

export interface SqliteTableOptions {
  entries: number;
  seed?: number;
  /** Rows per transaction (default 10,000). */
  batchSize?: number;
}

/**
 * Writes the deterministic generator's records (same seed → same rows) into a fresh SQLite
 * table shaped like an application's own event table, for the "SQLite as a source"
 * scenarios. Streams: memory stays flat whatever the row count.
 */
export async function generateSqliteTable(dbPath: string, options: SqliteTableOptions): Promise<{ rows: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-bench-table-'));
  const jsonl = join(dir, 'rows.jsonl');
  const db = new Database(dbPath);
  try {
    await generateToFile(jsonl, { entries: options.entries, seed: options.seed ?? 42, format: 'json' });
    db.pragma('journal_mode = WAL');
    db.exec(`DROP TABLE IF EXISTS app_events;
      CREATE TABLE app_events (id INTEGER PRIMARY KEY, ts_ms INTEGER NOT NULL, severity INTEGER NOT NULL,
        msg TEXT NOT NULL, worker TEXT, req TEXT, trace TEXT, span TEXT, parent TEXT, svc TEXT, data TEXT)`);
    const insert = db.prepare(
      'INSERT INTO app_events (ts_ms, severity, msg, worker, req, trace, span, parent, svc, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const flush = db.transaction((batch: unknown[][]) => {
      for (const row of batch) insert.run(...row);
    });
    const batchSize = options.batchSize ?? 10_000;
    let batch: unknown[][] = [];
    let rows = 0;
    for await (const line of createInterface({ input: createReadStream(jsonl), crlfDelay: Infinity })) {
      // Continuation lines (stack traces) belong to the previous record's message.
      if (!line.startsWith('{')) {
        const last = batch[batch.length - 1];
        if (last) last[2] = `${String(last[2])}\n${line}`;
        continue;
      }
      const r = JSON.parse(line) as Record<string, unknown>;
      const data = Object.fromEntries(Object.entries(r).filter(([k]) => !PROMOTED.has(k)));
      const text = (k: string): string | null => (typeof r[k] === 'string' ? (r[k] as string) : null);
      batch.push([
        Date.parse(String(r['time'])),
        SEVERITY[String(r['level'])] ?? 2,
        String(r['msg'] ?? ''),
        text('thread'),
        text('request_id'),
        text('trace_id'),
        text('span_id'),
        text('parent_span_id'),
        text('service'),
        JSON.stringify(data),
      ]);
      if (batch.length >= batchSize) {
        rows += batch.length;
        flush(batch);
        batch = [];
      }
    }
    rows += batch.length;
    flush(batch);
    return { rows };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
