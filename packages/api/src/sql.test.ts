import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CancelledError, generateToFile, open, SQL_ENTRY_COLUMNS, UsageError, type GenerateSummary, type Investigation } from './index.js';

let inv: Investigation;
let truth: GenerateSummary;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'logsift-sql-')), 'services.jsonl');
  truth = await generateToFile(file, { entries: 30_000, seed: 42 });
  inv = await open(file);
});

describe('Investigation.sql', () => {
  it('counts per level equal the generator ground truth', async () => {
    const r = await inv.sql('SELECT level, count(*) FROM entries GROUP BY level');
    const got = Object.fromEntries(r.rows.map(([level, n]) => [level, n]));
    const want = Object.fromEntries(Object.entries(truth.levels).filter(([, n]) => n > 0));
    expect(got).toEqual(want);
    expect(r.truncated).toBe(false);
  });

  it('errors per service per minute agree with count', async () => {
    const r = await inv.sql(
      "SELECT service, strftime('%Y-%m-%d %H:%M', time) AS minute, count(*) AS n FROM entries WHERE severity >= 17 GROUP BY service, minute",
      { maxRows: 10_000 },
    );
    expect(r.columns).toEqual(['service', 'minute', 'n']);
    const perService = new Map<string, number>();
    for (const [service, , n] of r.rows) perService.set(String(service), (perService.get(String(service)) ?? 0) + Number(n));
    expect(perService.size).toBeGreaterThan(1);
    for (const [service, n] of perService) {
      expect((await inv.count({ service, minLevel: 'error' })).total).toBe(n);
    }
  });

  it('exposes the entry columns; nanoseconds arrive exact as strings', async () => {
    const r = await inv.sql('SELECT * FROM entries WHERE id = 5');
    expect(r.columns).toEqual([...SQL_ENTRY_COLUMNS]);
    const row = Object.fromEntries(r.columns.map((c, i) => [c, r.rows[0]![i]]));
    const [entry] = await inv.entries([5]);
    expect(row['message']).toBe(entry!.message);
    expect(typeof row['timestamp_ns']).toBe('string');
    expect(Number(row['timestamp_ns'])).toBe(entry!.timestampNs);
    expect(typeof row['severity']).toBe('number');
  });

  it('caps rows at maxRows and says so', async () => {
    const r = await inv.sql('SELECT id FROM entries', { maxRows: 3 });
    expect(r).toEqual({ columns: ['id'], rows: [[0], [1], [2]], truncated: true });
  });

  it('writes and bad SQL are typed usage errors', async () => {
    const w = await inv.sql('DELETE FROM entries').catch((e: unknown) => e);
    expect(w).toMatchObject({ code: 'SQL_NOT_READ_ONLY' });
    expect(UsageError.isInstance(w)).toBe(true);
    await expect(inv.sql('SELECT count(* FROM entries')).rejects.toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('an AbortSignal cancels a long query', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const started = Date.now();
    const e = await inv
      .sql("SELECT count(*) FROM entries a, entries b WHERE a.message || b.message = 'x'", {}, { signal: ac.signal })
      .catch((err: unknown) => err);
    expect(CancelledError.isInstance(e)).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
