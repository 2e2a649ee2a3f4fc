import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open } from '@logsift/api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportToSqlite } from './index.js';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample');

describe('exportToSqlite', () => {
  it('writes every entry of the sample', async () => {
    const inv = await open(sample);
    const dbPath = join(mkdtempSync(join(tmpdir(), 'logsift-sql-')), 'out.sqlite');
    const { rows } = await exportToSqlite(inv, dbPath, { batchSize: 300 });
    const stats = await inv.stats();
    expect(rows).toBe(stats.entries);
    const db = new Database(dbPath, { readonly: true });
    const count = db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number };
    expect(count.n).toBe(stats.entries);
    const errors = db.prepare("SELECT count(*) AS n FROM entries WHERE level = 'ERROR'").get() as { n: number };
    expect(errors.n).toBe(stats.levels.ERROR);
    db.close();
  });
});
