import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, InputError, type Investigation, open, PARQUET_COLUMNS, UsageError } from './index.js';

// Read by a real engine, not by our own reader only: DuckDB reads every export here.
const duck = await DuckDBInstance.create(':memory:');
const con = await duck.connect();
async function sql(q: string): Promise<Record<string, unknown>[]> {
  return (await con.runAndReadAll(q)).getRowObjectsJson() as Record<string, unknown>[];
}

/** RFC 3339 UTC (as logsift formats it) → nanoseconds as a decimal string, exactly. */
function isoToNs(t: string): string {
  const m = /^(.*?)(?:\.(\d+))?Z$/.exec(t);
  if (!m) throw new Error(`bad time ${t}`);
  const secs = BigInt(Date.parse(`${m[1]}Z`) / 1000);
  const frac = BigInt((m[2] ?? '').padEnd(9, '0'));
  return (secs * 1_000_000_000n + frac).toString();
}

/** What an entry is, beyond where it was read from. */
function key(e: { time?: string; severity: number; message: string; thread?: string; request?: string; trace?: string; span?: string; parentSpan?: string; service?: string }): string {
  return JSON.stringify([e.time ? isoToNs(e.time) : null, e.severity, e.message, e.thread, e.request, e.trace, e.span, e.parentSpan, e.service]);
}

async function keys(inv: Investigation): Promise<string[]> {
  const out: string[] = [];
  for await (const e of inv.iterate({})) out.push(key(e));
  return out.sort();
}

describe('exportToParquet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-parquet-'));
  const out = join(dir, 'out');
  let inv: Investigation;
  // Nanosecond timestamps that a float cannot carry, a multi-line message, a record without a
  // time, next to two generated files whose times interleave.
  const precise = [
    '{"time":"2024-01-01T00:00:00.123456789Z","level":"error","msg":"ns one","trace_id":"t-1","span_id":"s-1","parent_span_id":"s-0","service":"api","user":"u-1"}',
    '{"time":"2024-01-01T00:00:00.123456791Z","level":"warn","msg":"two\\nlines","thread":"w-1","request_id":"r-9"}',
    '{"level":"info","msg":"no time"}',
  ].join('\n') + '\n';

  beforeAll(async () => {
    writeFileSync(join(dir, 'a.jsonl'), generate({ entries: 6000, seed: 1 }));
    writeFileSync(join(dir, 'b.jsonl'), generate({ entries: 4000, seed: 2 }));
    writeFileSync(join(dir, 'c.jsonl'), precise);
    inv = await open([join(dir, 'a.jsonl'), join(dir, 'b.jsonl'), join(dir, 'c.jsonl')], { cache: false });
  });
  afterAll(() => inv?.close());

  it('writes the otel_logs columns with the right types, read by DuckDB', async () => {
    const r = await inv.exportToParquet(out, { rowGroupRows: 1000, fields: true });
    expect(r.rows).toBe(10_003);
    expect(r.rowGroups).toBe(11);
    expect(readdirSync(out).sort()).toEqual(['logs-00000.parquet']);
    const types = Object.fromEntries(
      (await sql(`DESCRIBE SELECT * FROM read_parquet('${out}/*.parquet')`)).map((c) => [c['column_name'], c['column_type']]),
    );
    expect(Object.keys(types)).toEqual([...PARQUET_COLUMNS]);
    expect(types).toEqual({
      Timestamp: 'TIMESTAMP_NS',
      TraceId: 'VARCHAR',
      SpanId: 'VARCHAR',
      SeverityText: 'VARCHAR',
      SeverityNumber: 'UTINYINT',
      ServiceName: 'VARCHAR',
      Body: 'VARCHAR',
      ResourceAttributes: 'MAP(VARCHAR, VARCHAR)',
      ScopeName: 'VARCHAR',
      LogAttributes: 'MAP(VARCHAR, VARCHAR)',
      File: 'VARCHAR',
      Line: 'UINTEGER',
      ThreadId: 'VARCHAR',
      RequestId: 'VARCHAR',
      ParentSpanId: 'VARCHAR',
    });
    // Nanoseconds exact, maps intact, every column of a known row.
    const [row] = await sql(
      `SELECT epoch_ns(Timestamp)::VARCHAR AS ns, TraceId, SpanId, SeverityText, SeverityNumber, ServiceName, Body,
              ResourceAttributes['service.name'] AS res, cardinality(ResourceAttributes) AS nres,
              LogAttributes['user'] AS usr, LogAttributes['trace_id'] AS lt, File, Line, ParentSpanId
       FROM read_parquet('${out}/*.parquet') WHERE Body = 'ns one'`,
    );
    expect(row).toEqual({
      ns: '1704067200123456789',
      TraceId: 't-1',
      SpanId: 's-1',
      SeverityText: 'error',
      SeverityNumber: 17,
      ServiceName: 'api',
      Body: 'ns one',
      res: 'api',
      nres: '1',
      usr: 'u-1',
      lt: 't-1',
      File: join(dir, 'c.jsonl'),
      Line: 1,
      ParentSpanId: 's-0',
    });
    const [two] = await sql(
      `SELECT epoch_ns(Timestamp)::VARCHAR AS ns, Body, ThreadId, RequestId, cardinality(ResourceAttributes) AS nres
       FROM read_parquet('${out}/*.parquet') WHERE RequestId = 'r-9'`,
    );
    expect(two).toEqual({ ns: '1704067200123456791', Body: 'two\nlines', ThreadId: 'w-1', RequestId: 'r-9', nres: '0' });
    const [untimed] = await sql(`SELECT count(*)::INT AS n FROM read_parquet('${out}/*.parquet') WHERE Timestamp IS NULL`);
    expect(untimed?.['n']).toBe(1);
  });

  it('counts per level and service and the time range equal logsift', async () => {
    const c = await inv.count({ aggregate: ['level', 'service'] });
    const stats = await inv.stats();
    const levels = Object.fromEntries(
      (await sql(`SELECT SeverityNumber AS s, count(*)::INT AS n FROM read_parquet('${out}/*.parquet') GROUP BY 1`)).map((r) => [
        r['s'],
        r['n'],
      ]),
    );
    const bySeverity: Record<string, number> = {};
    for await (const e of inv.iterate({})) bySeverity[e.severity] = (bySeverity[e.severity] ?? 0) + 1;
    expect(levels).toEqual(bySeverity);
    const services = (await sql(`SELECT ServiceName AS s, count(*)::INT AS n FROM read_parquet('${out}/*.parquet') GROUP BY 1 ORDER BY 2 DESC, 1`)).map(
      (r) => [r['s'], r['n']],
    );
    expect(services).toEqual([...(c.aggregations.service ?? [])].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
    const [range] = await sql(
      `SELECT epoch_ns(min(Timestamp))::VARCHAR AS lo, epoch_ns(max(Timestamp))::VARCHAR AS hi FROM read_parquet('${out}/*.parquet')`,
    );
    expect(range).toEqual({ lo: isoToNs(stats.timeRange.first ?? ''), hi: isoToNs(stats.timeRange.last ?? '') });
    // Row groups are sorted by time, and so is the file (its runs were merged).
    const [unsorted] = await sql(
      `SELECT count(*)::INT AS n FROM (SELECT Timestamp, lag(Timestamp) OVER (ORDER BY file_row_number) AS prev
         FROM read_parquet('${out}/*.parquet', file_row_number = true)) WHERE Timestamp < prev`,
    );
    expect(unsorted?.['n']).toBe(0);
  });

  it('round trip: open({ parquet }) holds the same entries as the source', async () => {
    const back = await open({ parquet: out, cache: false });
    try {
      expect((await back.stats()).entries).toBe(10_003);
      expect(await keys(back)).toEqual(await keys(inv));
      // An investigation runs on the export.
      const ids = await back.follow('r-9');
      expect(ids.total).toBe(1);
    } finally {
      back.close();
    }
  });

  it('partitions by day and hour; typed errors for a used directory, a bad option, no files', async () => {
    const byHour = await inv.exportToParquet(join(dir, 'hours'), { partition: 'hour', query: { minLevel: 'warn' } });
    const warn = await inv.count({ minLevel: 'warn' });
    expect(byHour.rows).toBe(warn.total);
    for (const f of byHour.files) {
      if (f.from === undefined || f.to === undefined) continue;
      expect(f.from.slice(0, 13)).toBe(f.to.slice(0, 13));
      expect(f.path).toContain(f.from.slice(0, 13));
    }
    const [n] = await sql(`SELECT count(*)::INT AS n FROM read_parquet('${join(dir, 'hours')}/*.parquet')`);
    expect(n?.['n']).toBe(warn.total);
    const byDay = await inv.exportToParquet(join(dir, 'days'), { partition: 'day' });
    expect(byDay.files.map((f) => f.rows).reduce((a, b) => a + b, 0)).toBe(10_003);

    const used = await inv.exportToParquet(out).catch((e: unknown) => e);
    expect(UsageError.isInstance(used) && used.code).toBe('INVALID_OPTION');
    const bad = await inv.exportToParquet(join(dir, 'bad'), { rowGroupRows: 0 }).catch((e: unknown) => e);
    expect(UsageError.isInstance(bad) && bad.code).toBe('INVALID_OPTION');
    const none = await open({ parquet: dir }).catch((e: unknown) => e);
    expect(InputError.isInstance(none) && none.code).toBe('NO_INPUT');
  });

  it('kill -9 mid-export leaves only complete files', async () => {
    // 600K records 0.3 s apart: 50 hours, so 50 files, each written then renamed.
    const big = join(dir, 'big.jsonl');
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    for (let chunk = 0; chunk < 60; chunk++) {
      const lines: string[] = [];
      for (let i = chunk * 10_000; i < (chunk + 1) * 10_000; i++) {
        lines.push(`{"time":"${new Date(t0 + i * 300).toISOString()}","level":"info","msg":"request ${i} done","request_id":"r-${i}"}`);
      }
      appendFileSync(big, lines.join('\n') + '\n');
    }
    const target = join(dir, 'killed');
    const child = spawn(process.execPath, [join(import.meta.dirname, 'parquet-export.fixture.mjs'), big, target], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Wait for the first complete file, then kill while the next ones are being written.
    const done = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    const started = Date.now();
    while (Date.now() - started < 50_000) {
      if (existsSync(target) && readdirSync(target).some((f) => f.endsWith('.parquet'))) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await done, stderr).toBe('SIGKILL');
    const names = readdirSync(target);
    const complete = names.filter((f) => f.endsWith('.parquet'));
    expect(complete.length).toBeGreaterThan(0);
    // Every .parquet file is whole: DuckDB reads its footer and every row; the rest are temporaries.
    for (const f of complete) {
      const [r] = await sql(`SELECT count(*)::INT AS n, count(Body)::INT AS b FROM read_parquet('${join(target, f)}')`);
      expect(r?.['n']).toBeGreaterThan(0);
      expect(r?.['b']).toBe(r?.['n']);
    }
    expect(names.filter((f) => !f.endsWith('.parquet')).every((f) => f.startsWith('.') && f.endsWith('.tmp'))).toBe(true);
  }, 120_000);
});
