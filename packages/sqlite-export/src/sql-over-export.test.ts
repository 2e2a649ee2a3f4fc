import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, sqlDatabase, UsageError } from '@logsift/api';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportToSqlite } from './index.js';

// SQL over an export runs in the engine (`sqlDatabase` of @logsift/api), like SQL over the
// log files: these tests check it reads what this package wrote.
const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample');
let dbPath: string;
let total: number;

beforeAll(async () => {
  dbPath = join(mkdtempSync(join(tmpdir(), 'logsift-sqlq-')), 'out.sqlite');
  const inv = await open(sample);
  total = (await inv.stats()).entries;
  await exportToSqlite(inv, dbPath);
  inv.close();
});

describe('sqlDatabase over an export', () => {
  it('answers like SQL over the same files (the entries columns have the same names)', async () => {
    const q = 'SELECT level, service, count(*) AS n, max(timestamp_ns) AS last FROM entries GROUP BY level, service ORDER BY level, service';
    const overDb = await sqlDatabase(dbPath, q);
    const inv = await open(sample);
    const overFiles = await inv.sql(q);
    inv.close();
    expect(overDb.columns).toEqual(['level', 'service', 'n', 'last']);
    expect(overDb.rows.length).toBeGreaterThan(3);
    expect(overFiles).toEqual(overDb);
  });

  it('reads the FTS table and caps rows at the limit', async () => {
    const fts = await sqlDatabase(dbPath, "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'NoRouteToHost'");
    expect(fts.rows[0]![0]).toBeGreaterThan(0);
    const r = await sqlDatabase(dbPath, 'WITH e AS (SELECT id FROM entries) SELECT id FROM e ORDER BY id', { maxRows: 10 });
    expect(r.rows).toEqual(Array.from({ length: 10 }, (_, i) => [i + 1]));
    expect(r.truncated).toBe(true);
  });

  it.each([
    'INSERT INTO entries (id) VALUES (999999)',
    'DELETE FROM entries',
    'DROP TABLE entries',
    'UPDATE entries SET message = 1',
    'PRAGMA journal_mode = DELETE',
    "ATTACH DATABASE '/tmp/x.sqlite' AS x",
    'WITH x AS (SELECT 1) DELETE FROM entries',
    '/* sneaky */ -- comment\n DELETE FROM entries',
    'VACUUM',
    'SELECT 1; DELETE FROM entries',
  ])('refuses a statement that is not one read-only query: %s', async (sql) => {
    const error = await sqlDatabase(dbPath, sql).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SQL_NOT_READ_ONLY' });
    expect(UsageError.isInstance(error)).toBe(true);
  });

  it('bad SQL is INVALID_QUERY, a missing file ENOENT; the database is unchanged', async () => {
    await expect(sqlDatabase(dbPath, 'SELECT nope FROM nowhere')).rejects.toMatchObject({ code: 'INVALID_QUERY' });
    await expect(sqlDatabase('/nonexistent.sqlite', 'SELECT 1')).rejects.toMatchObject({ code: 'ENOENT' });
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: total });
    db.close();
  });
});
