import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, UsageError } from '@logsift/api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteExportError, openSqlite, type SqliteMapping } from './index.js';

function requestsDb(): string {
  const dbPath = join(mkdtempSync(join(tmpdir(), 'logsift-map-')), 'app.sqlite');
  const db = new Database(dbPath);
  db.exec(`CREATE TABLE requests (
    id INTEGER PRIMARY KEY, ts INTEGER, sev INTEGER, method TEXT, path TEXT, status INTEGER,
    req TEXT, trace TEXT, worker TEXT, app TEXT, duration REAL, data TEXT)`);
  const ins = db.prepare('INSERT INTO requests (ts, sev, method, path, status, req, trace, worker, app, duration, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 300; i++) {
      ins.run(1_700_000_000_000 + i * 1000, i % 3, i % 2 ? 'GET' : 'POST', `/items/${i}`, i % 3 === 2 ? 500 : 200, `r-${i >> 1}`, `t-${i >> 2}`, `w${i % 4}`, 'shop', i / 10, JSON.stringify({ user: { id: i % 7 }, region: 'eu', status: 'shadowed' }));
    }
  })();
  db.exec(`CREATE TABLE events (at TEXT, severity TEXT, body TEXT)`);
  db.prepare('INSERT INTO events VALUES (?, ?, ?)').run('2024-05-01T10:00:00.123Z', 'warning', 'disk almost full');
  db.prepare('INSERT INTO events VALUES (?, ?, ?)').run('2024-05-01 10:00:01', 'error', 'disk full');
  db.close();
  return dbPath;
}

const mapping: SqliteMapping = {
  table: 'requests',
  timestamp: { column: 'ts', format: 'epoch_ms' },
  level: { column: 'sev', map: { '0': 'info', '1': 'warn', '2': 'error' } },
  message: '{method} {path} -> {status}',
  ids: { request: 'req', trace: 'trace', thread: 'worker' },
  service: 'shop-api',
  extra: ['duration', 'status'],
  json: 'data',
};

describe('openSqlite with a mapping', () => {
  it('maps time, level, message template, ids, service, extra columns and a JSON data column', async () => {
    const inv = await openSqlite(requestsDb(), mapping);
    try {
      const stats = await inv.stats();
      expect(stats.entries).toBe(300);
      expect(stats.levels).toEqual({ INFO: 100, WARN: 100, ERROR: 100 });
      expect(stats.timeRange.first).toBe('2023-11-14T22:13:20.000Z');
      const [e] = await inv.entries([5], { fields: true });
      expect(e).toMatchObject({ level: 'ERROR', message: 'GET /items/5 -> 500', request: 'r-2', trace: 't-1', thread: 'w1', service: 'shop-api' });
      expect(e!.time).toBe('2023-11-14T22:13:25.000Z');
      expect(e!.fields).toMatchObject({ duration: 0.5, status: 500, user: { id: 5 }, region: 'eu' });
      // a promoted or extra value is not overwritten by the JSON column
      expect(e!.fields!.status).toBe(500);
    } finally {
      inv.close();
    }
  });

  it('reads ISO timestamps and level words, with the default message column', async () => {
    const inv = await openSqlite(requestsDb(), { table: 'events', timestamp: { column: 'at' }, level: { column: 'severity' }, message: '{body}' });
    const es = await inv.entries([0, 1]);
    expect(es.map((e) => [e.time, e.level, e.message])).toEqual([
      ['2024-05-01T10:00:00.123Z', 'WARN', 'disk almost full'],
      ['2024-05-01T10:00:01.000Z', 'ERROR', 'disk full'],
    ]);
    inv.close();
  });

  it('removes its temp file on close', async () => {
    const inv = await openSqlite(requestsDb(), mapping);
    expect(existsSync(inv.tempFile)).toBe(true);
    inv.close();
    expect(existsSync(inv.tempFile)).toBe(false);
  });

  it('epoch seconds (fractional) and nanoseconds are converted exactly', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'logsift-map-')), 'e.sqlite');
    const db = new Database(dbPath);
    db.exec('CREATE TABLE t (s REAL, ns INTEGER, m TEXT)');
    db.prepare('INSERT INTO t VALUES (?, ?, ?)').run(1_700_000_000.25, 1_700_000_000_123_456_789n, 'x');
    db.close();
    const s = await openSqlite(dbPath, { table: 't', timestamp: { column: 's', format: 'epoch_s' }, message: '{m}' });
    expect((await s.entries([0]))[0]!.time).toBe('2023-11-14T22:13:20.250Z');
    s.close();
    const ns = await openSqlite(dbPath, { table: 't', timestamp: { column: 'ns', format: 'epoch_ns' }, message: '{m}' });
    expect((await ns.entries([0]))[0]!.time).toBe('2023-11-14T22:13:20.123456789Z');
    ns.close();
  });
});

describe('mapping validation and SQL injection', () => {
  const invalid = async (m: unknown, where?: string): Promise<void> => {
    const error = await openSqlite(requestsDb(), m as SqliteMapping).catch((e: unknown) => e);
    expect(SqliteExportError.isInstance(error)).toBe(true);
    expect(UsageError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'INVALID_MAPPING' });
    if (where) expect((error as Error).message).toContain(where);
  };

  it('rejects hostile table names', async () => {
    await invalid({ table: 'requests; DROP TABLE requests' }, 'no table');
    await invalid({ table: 'requests" ; DROP TABLE requests; --' }, 'no table');
    await invalid({ table: "sqlite_master WHERE 1=1 UNION SELECT * FROM requests" }, 'no table');
  });

  it('rejects hostile or unknown column names and template references', async () => {
    await invalid({ ...mapping, timestamp: { column: 'ts FROM requests; DROP TABLE requests; --' } }, 'timestamp.column');
    await invalid({ ...mapping, ids: { request: 'req") ; DROP TABLE requests; --' } }, 'ids.request');
    await invalid({ ...mapping, extra: ['duration', '*'] }, 'extra');
    await invalid({ ...mapping, orderBy: '1; DROP TABLE requests' }, 'orderBy');
    await invalid({ ...mapping, message: '{method} {password}' }, 'password');
    await invalid({ ...mapping, message: '{method' }, 'unclosed');
    await invalid({ ...mapping, message: 'a } b' }, 'unmatched');
    await invalid({ ...mapping, timestamp: { column: 'ts', format: 'epoch_m' } }, 'timestamp.format');
    await invalid({ ...mapping, ids: { user: 'req' } }, 'ids.user');
    await invalid({ ...mapping, where: '1=1' }, 'where');
  });

  it('template text is literal, never SQL; hostile but real names work through quoting', async () => {
    const dbPath = join(mkdtempSync(join(tmpdir(), 'logsift-map-')), 'h.sqlite');
    const db = new Database(dbPath);
    db.exec(`CREATE TABLE "we""ird; DROP TABLE x" ("ti""me" TEXT, "lvl]" TEXT, "m'sg" TEXT)`);
    db.exec('CREATE TABLE x (a)');
    db.prepare('INSERT INTO "we""ird; DROP TABLE x" VALUES (?, ?, ?)').run('2024-01-01T00:00:00Z', 'error', "it's '); DROP TABLE x; --");
    db.close();
    const inv = await openSqlite(dbPath, {
      table: 'we"ird; DROP TABLE x',
      timestamp: { column: 'ti"me' },
      level: { column: 'lvl]' },
      message: "{{literal}} {m'sg} '); DROP TABLE x; --",
    });
    const [e] = await inv.entries([0]);
    expect(e).toMatchObject({ level: 'ERROR', message: "{literal} it's '); DROP TABLE x; -- '); DROP TABLE x; --" });
    inv.close();
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 1 });
    check.close();
  });

  it('a database that is not a logsift export needs a mapping; a missing file is ENOENT', async () => {
    await invalid(undefined, 'not a logsift export');
    const error = await openSqlite('/nonexistent/db.sqlite').catch((e: unknown) => e);
    expect(InputError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ENOENT' });
  });

  it('opens the database read-only (the file is never written)', async () => {
    const dbPath = requestsDb();
    const { mtimeMs } = await import('node:fs').then((fs) => fs.statSync(dbPath));
    const inv = await openSqlite(dbPath, mapping);
    inv.close();
    const after = (await import('node:fs')).statSync(dbPath);
    expect(after.mtimeMs).toBe(mtimeMs);
    expect(existsSync(`${dbPath}-wal`)).toBe(false);
  });
});
