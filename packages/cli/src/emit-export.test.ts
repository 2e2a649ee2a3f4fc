import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bin, logsift, sample, tempFiles } from './test-support.js';

const tmp = tempFiles({ 'empty.log': '' });
afterAll(() => tmp.remove());

describe('emit', () => {
  it('streams every entry as one JSON object per line', () => {
    const r = logsift(['emit', sample]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    const first = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(first).toMatchObject({ id: 0, line: 1, level: 'INFO', time: '2015-10-18T18:01:47.978Z' });
    expect(JSON.parse(lines[1999] ?? '')).toMatchObject({ id: 1999, line: 2000 });
  });

  it('--fields and --compact shape each line', () => {
    const r = logsift(['emit', sample, '--fields', 'id,level,message', '--compact']);
    const first = JSON.parse(r.stdout.split('\n')[0] ?? '') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['i', 'l', 'm']);
  });

  it('--max-bytes stops before the limit and says so on stderr', () => {
    const r = logsift(['emit', sample, '--max-bytes', '4096']);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    const kept = r.stdout.trimEnd().split('\n').length;
    expect(kept).toBeGreaterThan(5);
    expect(JSON.parse(r.stderr)).toEqual({ truncated: { kept, total: 2000 } });
  });

  it('exits 1 with nothing to emit, 2 with a JSON error for a missing file', () => {
    expect(logsift(['emit', join(tmp.dir, 'empty.log')]).code).toBe(1);
    const r = logsift(['emit', '/nonexistent.log']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, command: 'emit', error: { code: 'ENOENT' } });
  });
});

describe('export --to parquet', () => {
  it('writes otel_logs Parquet files that --parquet reads back with the same answers', () => {
    const out = join(tmp.dir, 'parquet');
    const r = logsift(['export', sample, '--to', 'parquet', '-o', out, '--partition', 'hour']);
    expect(r.code).toBe(0);
    const data = r.json['data'] as { rows: number; files: { path: string; rows: number }[] };
    expect(data.rows).toBe(2000);
    expect(data.files.reduce((n, f) => n + f.rows, 0)).toBe(2000);
    expect(data.files.every((f) => existsSync(f.path) && f.path.endsWith('.parquet'))).toBe(true);
    expect(logsift(['count', '--parquet', out, '--level', 'error']).json).toMatchObject({ data: { total: 150 } });
    expect(logsift(['search', '--parquet', out, '-q', 'NoRouteToHost', '--level', 'fatal']).json).toMatchObject({ summary: { totalMatches: 2 } });
  });

  it('refuses a flag of the other format, and a directory that holds an export', () => {
    const sqliteOnly = logsift(['export', sample, '--to', 'parquet', '-o', join(tmp.dir, 'p2'), '--batch-size', '10']);
    expect(sqliteOnly.code).toBe(2);
    const parquetOnly = logsift(['export', sample, '-o', join(tmp.dir, 'x.sqlite'), '--partition', 'day']);
    expect(parquetOnly.code).toBe(2);
    expect(parquetOnly.json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
    const again = logsift(['export', sample, '--to', 'parquet', '-o', join(tmp.dir, 'parquet')]);
    expect(again.code).toBe(2);
    expect(again.json).toMatchObject({ ok: false, error: { code: 'INVALID_OPTION' } });
  });
});

describe('export', () => {
  it('writes every entry into SQLite', async () => {
    const db = join(tmp.dir, 'out.sqlite');
    const r = logsift(['export', sample, '-o', db]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'export', data: { rows: 2000, dbPath: db }, summary: { rows: 2000 } });
    expect(existsSync(db)).toBe(true);
    const { default: Database } = await import('better-sqlite3');
    const conn = new Database(db, { readonly: true });
    try {
      expect(conn.prepare("select count(*) as n from entries where level = 'ERROR'").get()).toEqual({ n: 150 });
    } finally {
      conn.close();
    }
  });
});

describe('a reader that stops early', () => {
  it('ends quietly on EPIPE (emit | head -1)', () => {
    const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${bin}" emit "${sample}" | head -1`], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ id: 0 });
  });
});

describe('sql and db-to-jsonl over an export', () => {
  it('round trip: export, query with SQL (--db), stream back as JSON lines', () => {
    const db = join(tmp.dir, 'round.sqlite');
    expect(logsift(['export', sample, '-o', db]).code).toBe(0);
    const q = logsift(['sql', '--db', db, '-q', 'select level, count(*) as n from entries group by level order by level']);
    expect(q.code).toBe(0);
    expect(q.json).toMatchObject({ ok: true, data: { columns: ['level', 'n'], truncated: false } });
    const rows = (q.json['data'] as { rows: [string, number][] }).rows;
    expect(Object.fromEntries(rows)).toMatchObject({ ERROR: 150, FATAL: 2 });
    const w = logsift(['sql', '--db', db, '-q', 'delete from entries']);
    expect(w.code).toBe(2);
    expect(w.json).toMatchObject({ ok: false, error: { code: 'SQL_NOT_READ_ONLY' } });
    const lines = logsift(['db-to-jsonl', '--db', db]);
    expect(lines.code).toBe(0);
    expect(lines.stdout.trimEnd().split('\n')).toHaveLength(2000);
    expect(logsift(['db-to-jsonl', '--db', join(tmp.dir, 'missing.sqlite')]).code).toBe(2);
  });

  it('the same SQL over the log files (no export) answers as over the export', () => {
    const db = join(tmp.dir, 'round.sqlite');
    const q = "select service, level, count(*) n, min(time) first from entries group by service, level order by service, level";
    const overDb = logsift(['sql', '--db', db, '-q', q]);
    const overFiles = logsift(['sql', sample, '-q', q]);
    expect(overFiles.code).toBe(0);
    expect((overFiles.json['data'] as { rows: unknown[] }).rows.length).toBeGreaterThan(3);
    expect(overFiles.json['data']).toEqual(overDb.json['data']);
    const w = logsift(['sql', sample, '-q', 'with x as (select 1) delete from entries']);
    expect(w.json).toMatchObject({ ok: false, error: { code: 'SQL_NOT_READ_ONLY' } });
    expect(w.code).toBe(2);
    expect(logsift(['sql', sample, '-q', 'select nope from entries']).json).toMatchObject({ ok: false, error: { code: 'INVALID_QUERY' } });
  });

  it('the old positional forms are clear usage errors naming the new one', () => {
    const db = join(tmp.dir, 'round.sqlite');
    const q = logsift(['sql', db, 'select 1']);
    expect(q.code).toBe(2);
    expect(q.json).toMatchObject({ ok: false, error: { code: 'USAGE', hint: `logsift sql --db ${db} -q '…'` } });
    const l = logsift(['db-to-jsonl', db]);
    expect(l.code).toBe(2);
    expect(l.json).toMatchObject({ ok: false, error: { code: 'USAGE', hint: `logsift db-to-jsonl --db ${db}` } });
    // A file-only source flag with --db is refused, not ignored.
    expect(logsift(['sql', '--db', db, '--format', 'json', '-q', 'select 1']).json).toMatchObject({ error: { code: 'USAGE', location: 'format' } });
  });

  it('db-to-jsonl --out writes the file and prints the envelope; a mapping reads any table', async () => {
    const src = join(tmp.dir, 'events.sqlite');
    const { default: Database } = await import('better-sqlite3');
    const conn = new Database(src);
    conn.exec("create table events (ts text, sev text, body text); insert into events values ('2024-01-01T00:00:00Z', 'error', 'disk full'), ('2024-01-01T00:00:01Z', 'info', 'ok')");
    conn.close();
    const out = join(tmp.dir, 'events.jsonl');
    const mapping = JSON.stringify({ table: 'events', timestamp: { column: 'ts' }, level: { column: 'sev' }, message: '{body}' });
    const r = logsift(['db-to-jsonl', '--db', src, '--db-mapping', mapping, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'db-to-jsonl', data: { rows: 2, out } });
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(JSON.stringify(lines[0])).toContain('disk full');
    // The same table through the same mapping is a source for every command.
    expect(logsift(['count', '--db', src, '--db-mapping', mapping, '--level', 'error']).json).toMatchObject({ data: { total: 1 } });
  });

  it('emit takes --json/--text (no-ops) and -o', () => {
    expect(logsift(['emit', sample, '--json', '--fields', 'id']).stdout.trimEnd().split('\n')).toHaveLength(2000);
    expect(logsift(['emit', sample, '--text', '--fields', 'id']).stdout.trimEnd().split('\n')).toHaveLength(2000);
    const out = join(tmp.dir, 'emit.jsonl');
    const r = logsift(['emit', sample, '--level', 'fatal', '-o', out]);
    expect(r.json).toMatchObject({ ok: true, command: 'emit', data: { emitted: 2, matched: 2, out } });
    expect(readFileSync(out, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['FATAL', 'FATAL']);
  });
});
