import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogsiftError, UsageError, open } from '@logsift/api';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteExportError, exportToSqlite, openSqlite } from './index.js';
import { writeJsonLog } from './test-logs.js';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample');
const lockHolder = join(import.meta.dirname, 'lock-holder.fixture.mjs');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'logsift-sql-'));

function rows(dbPath: string, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as Record<string, unknown>[];
  } finally {
    db.close();
  }
}
/** FTS5's own check of the external-content index against `entries` (throws when they differ). */
function ftsIntegrityCheck(dbPath: string): void {
  const db = new Database(dbPath);
  try {
    db.exec("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')");
  } finally {
    db.close();
  }
}
const count = (dbPath: string, where = ''): number => rows(dbPath, `SELECT count(*) AS n FROM entries ${where}`)[0]!.n as number;

describe('exportToSqlite', () => {
  it('round trip: files → SQLite → openSqlite gives the same entries', async () => {
    const dir = tmp();
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 2500);
    const inv = await open([log, sample]);
    const stats = await inv.stats();
    const dbPath = join(dir, 'out.sqlite');
    const progress: number[] = [];
    const result = await exportToSqlite(inv, dbPath, { batchSize: 300, onProgress: (p) => progress.push(p.rows) });
    expect(result).toMatchObject({ rows: stats.entries, inserted: stats.entries, resumed: 0, total: stats.entries, upToDate: false });
    expect(progress.at(-1)).toBe(stats.entries);
    expect(progress.length).toBe(Math.ceil(stats.entries / 300));
    expect(count(dbPath)).toBe(stats.entries);
    expect(count(dbPath, "WHERE level = 'ERROR'")).toBe(stats.levels.ERROR);

    // files, meta, indexes, FTS, integrity
    const files = rows(dbPath, 'SELECT path, size, format, entries FROM files ORDER BY id');
    expect(files.map((f) => f.entries)).toEqual(stats.files.map((f) => f.entries));
    expect(files.map((f) => f.format)).toEqual(stats.files.map((f) => f.format));
    const meta = Object.fromEntries(rows(dbPath, 'SELECT key, value FROM meta').map((r) => [r.key, r.value]));
    expect(meta).toMatchObject({ schema_version: '2', source: 'logsift', fts: 'entries_fts' });
    expect(meta.logsift_version).toMatch(/^\d+\.\d+\.\d+/);
    const indexes = rows(dbPath, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'entries'").map((r) => r.name);
    for (const i of ['entries_time', 'entries_level', 'entries_thread', 'entries_request', 'entries_trace', 'entries_span', 'entries_parent_span', 'entries_service']) {
      expect(indexes).toContain(i);
    }
    // Every generated record of app.jsonl says "items" (the bundled sample may too).
    const fts = "SELECT count(*) AS n FROM entries_fts JOIN entries ON entries.id = entries_fts.rowid WHERE entries_fts MATCH 'items' AND entries.file LIKE ?";
    expect(rows(dbPath, fts, '%app.jsonl')[0]!.n).toBe(2500);
    expect(rows(dbPath, 'PRAGMA integrity_check')[0]!.integrity_check).toBe('ok');
    // A fresh export's FTS index is built beside the rows in a scratch file, then copied in:
    // FTS5 checks it against the entries, it covers every row, the scratch file is gone.
    ftsIntegrityCheck(dbPath);
    expect(Number(meta.fts_rowid)).toBe(stats.entries);
    expect(existsSync(`${dbPath}.fts-build`)).toBe(false);
    // exact nanoseconds from the RFC 3339 text (a JS number would round them)
    const first = rows(dbPath, 'SELECT time, timestamp_ns FROM entries WHERE line = 2 AND file LIKE ?', '%app.jsonl')[0]!;
    expect(first.time).toBe('2024-01-01T00:00:00.007001000Z');
    const db = new Database(dbPath, { readonly: true });
    // (by file and line: the order of files depends on where the temporary directory is)
    const ns = db.prepare('SELECT timestamp_ns FROM entries WHERE line = 2 AND file LIKE ?').safeIntegers(true).get('%app.jsonl') as { timestamp_ns: bigint };
    db.close();
    expect(ns.timestamp_ns).toBe(1_704_067_200_007_001_000n);

    // … and back as a source
    const back = await openSqlite(dbPath);
    try {
      const backStats = await back.stats();
      expect(backStats.entries).toBe(stats.entries);
      expect(backStats.levels).toEqual(stats.levels);
      const ids = Array.from({ length: stats.entries }, (_, i) => i);
      const [a, b] = [await inv.entries(ids), await back.entries(ids)];
      const pick = (e: (typeof a)[number]) => [e.time, e.level, e.message, e.thread, e.request, e.trace, e.span, e.parentSpan, e.service];
      expect(b.map(pick)).toEqual(a.map(pick));
    } finally {
      back.close();
      inv.close();
    }
  });

  it('does not duplicate rows when the same files are exported again, and adds only new entries of a grown file', async () => {
    const dir = tmp();
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 1000);
    const dbPath = join(dir, 'out.sqlite');
    let inv = await open(log);
    await exportToSqlite(inv, dbPath, { batchSize: 128 });
    const again = await exportToSqlite(inv, dbPath, { batchSize: 128 });
    expect(again).toMatchObject({ upToDate: true, inserted: 0, rows: 0 });
    expect(count(dbPath)).toBe(1000);
    inv.close();

    await writeJsonLog(log, 200, { from: 1000, append: true });
    inv = await open(log);
    const grown = await exportToSqlite(inv, dbPath, { batchSize: 128 });
    expect(grown).toMatchObject({ rows: 1200, inserted: 200, upToDate: false });
    expect(count(dbPath)).toBe(1200);
    expect(rows(dbPath, 'SELECT count(*) AS n FROM files')[0]!.n).toBe(1);
    expect(rows(dbPath, 'SELECT count(DISTINCT line) AS n FROM entries')[0]!.n).toBe(1200);
    // the FTS index caught up with the appended rows
    expect(rows(dbPath, "SELECT count(*) AS n FROM entries_fts WHERE entries_fts MATCH '\"request 1100\"'")[0]!.n).toBe(1);
    ftsIntegrityCheck(dbPath);
    inv.close();
  });

  it('replace mode keeps only the new export; append mode adds another source', async () => {
    const dir = tmp();
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    await writeJsonLog(a, 300);
    await writeJsonLog(b, 50, { from: 5000 });
    const dbPath = join(dir, 'out.sqlite');
    const invA = await open(a);
    const invB = await open(b);
    await exportToSqlite(invA, dbPath);
    await exportToSqlite(invB, dbPath, { mode: 'append' });
    expect(count(dbPath)).toBe(350);
    await exportToSqlite(invB, dbPath, { mode: 'replace', fts: false });
    expect(count(dbPath)).toBe(50);
    expect(rows(dbPath, 'SELECT path FROM files').map((r) => r.path)).toEqual([b]);
    expect(rows(dbPath, "SELECT name FROM sqlite_master WHERE name = 'entries_fts'")).toEqual([]);
    invA.close();
    invB.close();
  });

  it('stops at a batch boundary when its signal aborts; the next run resumes', async () => {
    const dir = tmp();
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 1000);
    const inv = await open(log);
    const dbPath = join(dir, 'out.sqlite');
    const ac = new AbortController();
    const error = await exportToSqlite(inv, dbPath, { batchSize: 100, signal: ac.signal, onProgress: (p) => p.batches === 3 && ac.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CANCELLED' });
    expect(count(dbPath)).toBe(300);
    const resumed = await exportToSqlite(inv, dbPath, { batchSize: 100 });
    expect(resumed).toMatchObject({ resumed: 300, rows: 700, inserted: 700 });
    expect(count(dbPath)).toBe(1000);
    inv.close();
  });

  it('rejects unknown options and bad values with UsageError', async () => {
    const inv = await open(sample);
    const dbPath = join(tmp(), 'x.sqlite');
    await expect(exportToSqlite(inv, dbPath, { batchsize: 10 } as never)).rejects.toSatisfy(UsageError.isInstance);
    await expect(exportToSqlite(inv, dbPath, { batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    await expect(exportToSqlite(inv, dbPath, { mode: 'merge' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
    inv.close();
  });

  it('exports only the entries of a query scope, and resumes it', async () => {
    const dir = tmp();
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 2000);
    const inv = await open(log);
    const errors = (await inv.stats()).levels.ERROR!;
    const dbPath = join(dir, 'q.sqlite');
    const ac = new AbortController();
    const source = { investigation: inv, query: { level: 'ERROR' } };
    await expect(exportToSqlite(source, dbPath, { batchSize: 50, signal: ac.signal, onProgress: (p) => p.batches === 2 && ac.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(count(dbPath)).toBe(100);
    const r = await exportToSqlite(source, dbPath, { batchSize: 50 });
    expect(r).toMatchObject({ total: errors, resumed: 100, rows: errors - 100 });
    expect(count(dbPath)).toBe(errors);
    expect(count(dbPath, "WHERE level <> 'ERROR'")).toBe(0);
    // a different scope of the same files is another source: it adds only its own rows
    await exportToSqlite({ investigation: inv, query: { level: 'WARN' } }, dbPath);
    expect(count(dbPath)).toBe(errors + (await inv.stats()).levels.WARN!);
    inv.close();
  });

  it('refuses a database whose entries table is not ours', async () => {
    const dbPath = join(tmp(), 'foreign.sqlite');
    const db = new Database(dbPath);
    db.exec('CREATE TABLE entries (x)');
    db.close();
    const inv = await open(sample);
    await expect(exportToSqlite(inv, dbPath)).rejects.toMatchObject({ code: 'DB_ERROR', message: expect.stringContaining('not a logsift export') });
    inv.close();
  });
});

describe('locked and read-only targets', () => {
  const immutable: string[] = [];
  const chmodded: string[] = [];
  afterEach(() => {
    for (const p of immutable.splice(0)) execFileSync('chattr', ['-i', p]);
    for (const p of chmodded.splice(0)) chmodSync(p, 0o755);
  });
  /**
   * Read-only for whoever runs the tests. Root ignores permission bits, but the immutable
   * attribute binds root too.
   * False where the file system has no attributes (tmpfs): the test is then skipped, saying why.
   */
  const makeImmutable = (path: string): boolean => {
    if (process.getuid?.() !== 0) {
      // Not root: permission bits are enough.
      chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
      chmodded.push(path);
      return true;
    }
    try {
      execFileSync('chattr', ['+i', path], { stdio: 'ignore' });
    } catch {
      return false;
    }
    immutable.push(path);
    return true;
  };

  it('a database locked by another connection gives DB_LOCKED after bounded retries, and the export works once released', async () => {
    const dir = tmp();
    const dbPath = join(dir, 'locked.sqlite');
    const inv = await open(sample);
    await exportToSqlite(inv, dbPath, { batchSize: 500 });
    const holder = new Database(dbPath);
    holder.exec('BEGIN EXCLUSIVE');
    const error = await exportToSqlite(inv, dbPath, { mode: 'replace', busyTimeoutMs: 0, retries: 3, retryDelayMs: 5 }).catch((e: unknown) => e);
    expect(SqliteExportError.isInstance(error)).toBe(true);
    expect(LogsiftError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'DB_LOCKED', location: dbPath });
    expect((error as Error).message).toMatch(/locked by another connection/);
    holder.exec('ROLLBACK');
    holder.close();
    // Nothing was half-written: the earlier export is intact.
    expect(count(dbPath)).toBe((await inv.stats()).entries);
    inv.close();
  });

  it('retries a busy batch and succeeds when the lock goes away', async () => {
    const dir = tmp();
    const dbPath = join(dir, 'busy.sqlite');
    const marker = join(dir, 'locked');
    const inv = await open(sample);
    const total = (await inv.stats()).entries;
    // The other writer is another process: two SQLite libraries in one process (better-sqlite3
    // here, the engine's own in the writer) must not share a file, and real contenders are
    // other processes anyway.
    let holder: ReturnType<typeof spawn> | undefined;
    const result = await exportToSqlite(inv, dbPath, {
      batchSize: 200,
      busyTimeoutMs: 0,
      retries: 8,
      retryDelayMs: 20,
      onProgress: (p) => {
        // After the first batch, another writer grabs the lock for 150 ms; the exporter waits
        // for this callback, so the next batch surely meets the lock (with 1 attempt instead
        // of 8 this export fails with DB_LOCKED).
        if (p.batches === 1) {
          holder = spawn(process.execPath, [lockHolder, dbPath, marker, '150'], { stdio: 'ignore' });
          const until = Date.now() + 10_000;
          while (!existsSync(marker) && Date.now() < until) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        }
      },
    });
    expect(existsSync(marker)).toBe(true);
    const exit = await new Promise<number | null>((r) => (holder!.exitCode !== null ? r(holder!.exitCode) : holder!.on('exit', r)));
    expect(exit).toBe(0);
    expect(result.rows).toBe(total);
    expect(count(dbPath)).toBe(total);
    inv.close();
  });

  it('a read-only database file gives DB_READ_ONLY', async (ctx) => {
    const dir = tmp();
    const dbPath = join(dir, 'ro.sqlite');
    const inv = await open(sample);
    await exportToSqlite(inv, dbPath, { fts: false });
    if (!makeImmutable(dbPath)) return ctx.skip('chattr +i is not supported here: no way to make a file read-only for root');
    const error = await exportToSqlite(inv, dbPath, { mode: 'replace', fts: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DB_READ_ONLY', location: dbPath });
    expect(SqliteExportError.isInstance(error)).toBe(true);
    inv.close();
  });

  it('a database in a read-only directory gives DB_READ_ONLY', async (ctx) => {
    const ro = join(tmp(), 'ro-dir');
    mkdirSync(ro);
    writeFileSync(join(ro, 'keep'), '');
    if (!makeImmutable(ro)) return ctx.skip('chattr +i is not supported here: no way to make a directory read-only for root');
    const inv = await open(sample);
    const error = await exportToSqlite(inv, join(ro, 'new.sqlite')).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DB_READ_ONLY' });
    inv.close();
  });
});
