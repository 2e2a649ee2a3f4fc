import type { Investigation } from '@logsift/api';
import Database from 'better-sqlite3';

export interface ExportResult {
  rows: number;
  dbPath: string;
}

/** Writes every entry of an investigation into `dbPath` (table `entries`), in batches. */
export async function exportToSqlite(inv: Investigation, dbPath: string, options: { batchSize?: number } = {}): Promise<ExportResult> {
  const batchSize = options.batchSize ?? 5000;
  const db = new Database(dbPath);
  try {
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE IF NOT EXISTS entries (
      id INTEGER PRIMARY KEY, file TEXT NOT NULL, line INTEGER NOT NULL, timestamp_ns INTEGER,
      severity INTEGER NOT NULL, level TEXT NOT NULL, level_text TEXT, message TEXT NOT NULL,
      thread TEXT, request TEXT, trace TEXT, span TEXT, parent_span TEXT, service TEXT, raw TEXT NOT NULL)`);
    const insert = db.prepare(`INSERT OR REPLACE INTO entries
      (id, file, line, timestamp_ns, severity, level, level_text, message, thread, request, trace, span, parent_span, service, raw)
      VALUES (@id, @file, @line, @timestampNs, @severity, @level, @levelText, @message, @thread, @request, @trace, @span, @parentSpan, @service, @raw)`);
    const { entries: total } = await inv.stats();
    let rows = 0;
    for (let start = 0; start < total; start += batchSize) {
      const ids = Array.from({ length: Math.min(batchSize, total - start) }, (_, i) => start + i);
      const batch = await inv.entries(ids);
      db.transaction(() => {
        for (const e of batch) {
          insert.run({
            id: e.id,
            file: e.file,
            line: e.line,
            timestampNs: e.timestampNs ?? null,
            severity: e.severity,
            level: e.level,
            levelText: e.levelText ?? null,
            message: e.message,
            thread: e.thread ?? null,
            request: e.request ?? null,
            trace: e.trace ?? null,
            span: e.span ?? null,
            parentSpan: e.parentSpan ?? null,
            service: e.service ?? null,
            raw: e.raw,
          });
        }
      })();
      rows += batch.length;
    }
    return { rows, dbPath };
  } finally {
    db.close();
  }
}
