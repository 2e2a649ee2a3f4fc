import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError, open } from '@logsift/api';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportToSqlite, sqlQuery } from './index.js';

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

describe('sqlQuery', () => {
  it('runs a SELECT with parameters and returns columns and rows', () => {
    const r = sqlQuery(dbPath, 'SELECT level, count(*) AS n FROM entries WHERE severity >= ? GROUP BY level ORDER BY level', [13]);
    expect(r.columns).toEqual(['level', 'n']);
    expect(r.rows.length).toBeGreaterThan(0);
    expect(r.truncated).toBe(false);
    const named = sqlQuery(dbPath, 'SELECT count(*) AS n FROM entries WHERE level = @level', { level: 'INFO' });
    expect(named.rows[0]![0]).toBeGreaterThan(0);
  });

  it('caps rows at the limit and says so', () => {
    const r = sqlQuery(dbPath, 'WITH e AS (SELECT id FROM entries) SELECT id FROM e ORDER BY id', [], { limit: 10 });
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
  ])('refuses a statement that is not a read-only query: %s', (sql) => {
    const error = (() => {
      try {
        sqlQuery(dbPath, sql);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toMatchObject({ code: 'SQL_NOT_READ_ONLY' });
    expect(UsageError.isInstance(error)).toBe(true);
  });

  it('refuses several statements and bad SQL; the database is unchanged', () => {
    expect(() => sqlQuery(dbPath, 'SELECT 1; DELETE FROM entries')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    expect(() => sqlQuery(dbPath, 'SELECT nope FROM nowhere')).toThrow(expect.objectContaining({ code: 'INVALID_OPTION' }));
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: total });
    db.close();
  });

  it('a missing database is ENOENT', () => {
    expect(() => sqlQuery('/nonexistent.sqlite', 'SELECT 1')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
