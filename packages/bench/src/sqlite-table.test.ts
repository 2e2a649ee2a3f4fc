import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlite } from '@logsift/sqlite-export';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateSqliteTable, SQLITE_TABLE_MAPPING } from './sqlite-table.js';

function digest(dbPath: string): string {
  const db = new Database(dbPath, { readonly: true });
  const h = createHash('sha256');
  for (const row of db.prepare('SELECT * FROM app_events ORDER BY id').iterate()) h.update(JSON.stringify(row));
  db.close();
  return h.digest('hex');
}

describe('generateSqliteTable', () => {
  it('is deterministic and opens as a log source through its mapping', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-table-'));
    const a = join(dir, 'a.sqlite');
    const b = join(dir, 'b.sqlite');
    const c = join(dir, 'c.sqlite');
    expect((await generateSqliteTable(a, { entries: 2000, batchSize: 300 })).rows).toBe(2000);
    await generateSqliteTable(b, { entries: 2000 });
    await generateSqliteTable(c, { entries: 2000, seed: 7 });
    expect(digest(a)).toBe(digest(b));
    expect(digest(a)).not.toBe(digest(c));
    const inv = await openSqlite(a, SQLITE_TABLE_MAPPING);
    try {
      const stats = await inv.stats();
      expect(stats.entries).toBe(2000);
      expect(stats.levels.ERROR).toBeGreaterThan(0);
      const [first] = await inv.entries([0]);
      expect(first?.service).toBeTruthy();
      expect(first?.request).toBeTruthy();
    } finally {
      inv.close();
    }
  });
});
