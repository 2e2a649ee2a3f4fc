import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate, levelName, LogsiftError, open, type Entry, type Investigation, type RowBatch } from './index.js';

let inv: Investigation;
let files: string[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-rows-'));
  const json = join(dir, 'app.jsonl');
  writeFileSync(json, generate({ entries: 3000, format: 'json', seed: 7 }));
  const text = join(dir, 'app.log');
  // A text file with multi-line records, non-ASCII text and a line without a level.
  writeFileSync(
    text,
    [
      '2024-01-01 00:00:00.001 INFO [main] café ☕ started',
      '2024-01-01 00:00:01 ERROR [worker-1] failed',
      '  at Foo.bar(Foo.java:1)',
      '  at Main.main(Main.java:2)',
      'no timestamp here',
      '2024-01-01 00:00:02 WARN [worker-2] slow',
    ].join('\n') + '\n',
  );
  files = [json, text];
  inv = await open(files);
});

async function collect(it: AsyncIterable<RowBatch>): Promise<RowBatch[]> {
  const out: RowBatch[] = [];
  for await (const b of it) out.push(b);
  return out;
}

describe('rowBatches', () => {
  it('gives every entry, in order, exactly as entries() materializes it', async () => {
    const stats = await inv.stats();
    const batches = await collect(inv.rowBatches({}, { batchSize: 700, fields: true }));
    expect(batches.every((b) => b.count <= 700)).toBe(true);
    expect(batches.at(-1)!.done).toBe(true);
    const rows: Entry[] = batches.flatMap((b) => Array.from({ length: b.count }, (_, r) => b.entry(r)));
    expect(rows.length).toBe(stats.entries);
    expect(rows.map((e) => e.id)).toEqual(rows.map((_, i) => i));
    const ids = rows.map((e) => e.id);
    for (let start = 0; start < ids.length; start += 500) {
      const slice = ids.slice(start, start + 500);
      expect(rows.slice(start, start + 500)).toEqual(await inv.entries(slice, { fields: true }));
    }
    // The text file's rows: multi-line raw, decoded non-ASCII, no timestamp on a continuation-less line.
    const textRows = rows.filter((e) => e.file === files[1]);
    expect(textRows.length).toBeGreaterThanOrEqual(3);
    expect(textRows.some((e) => e.message.includes('café ☕'))).toBe(true);
    expect(textRows.some((e) => e.raw.includes('\n  at Main.main'))).toBe(true);
  });

  it('keeps exact nanoseconds, level numbers and the fields of one-line JSON in raw', async () => {
    const [b] = await collect(inv.rowBatches({}, { batchSize: 50, fields: true }));
    expect(b!.count).toBe(50);
    const e = (await inv.entries([3], { fields: true }))[0]!;
    expect(Number(b!.timestampNs(3))).toBe(e.timestampNs);
    expect(b!.text(3, 'time')).toBe(e.time);
    expect(levelName(b!.severity[3]!)).toBe(e.level);
    expect(b!.fieldsInRaw(3)).toBe(true);
    expect(b!.text(3, 'fields')).toBeUndefined();
    expect(JSON.parse(b!.fieldsJson(3)!)).toEqual(e.fields);
  });

  it('scopes by a query, resumes after a cursor and validates the batch size', async () => {
    const all = (await collect(inv.rowBatches({ minLevel: 'error' }, { batchSize: 7 }))).flatMap((b) => [...b.ids]);
    expect(all.length).toBe((await inv.count({ minLevel: 'error' })).total);
    const rest = (await collect(inv.rowBatches({ minLevel: 'error' }, { batchSize: 7, after: all[4] }))).flatMap((b) => [...b.ids]);
    expect(rest).toEqual(all.slice(5));
    const withoutFields = (await collect(inv.rowBatches({}, { batchSize: 10 })))[0]!;
    expect(withoutFields.fieldsJson(0)).toBeUndefined();
    await expect(collect(inv.rowBatches({}, { batchSize: 0 }))).rejects.toThrow(LogsiftError);
  });

  it("keeps the query's time bound apart from the cursor", async () => {
    // `after` in the query is a time; the cursor travels as another key, so both apply.
    const scope = { after: '2024-01-01T00:00:01Z' };
    const all = (await collect(inv.rowBatches(scope, { batchSize: 1000 }))).flatMap((b) => [...b.ids]);
    expect(all.length).toBe((await inv.count(scope)).total);
    expect(all.length).toBeGreaterThan(0);
    const rest = (await collect(inv.rowBatches(scope, { batchSize: 1000, after: all[0] }))).flatMap((b) => [...b.ids]);
    expect(rest).toEqual(all.slice(1));
  });

  it('writeSqliteRows reports typed errors and never creates a missing database', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'logsift-sink-')), 'none.sqlite');
    const base = { db: missing, insertSql: 'INSERT INTO t VALUES (?1)', markSql: 'SELECT ?1, ?2', fileIds: {} };
    await expect(inv.writeSqliteRows(base)).rejects.toMatchObject({ code: 'DB_READ_ONLY', location: missing });
    expect(existsSync(missing)).toBe(false);
    await expect(inv.writeSqliteRows({ ...base, batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION', location: 'batchSize' });
    await expect(inv.writeSqliteRows({ ...base, nope: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  it('recycles its arrays when asked, growing the text buffer for a large record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-rows-big-'));
    const big = join(dir, 'big.jsonl');
    const lines = Array.from({ length: 20 }, (_, i) => JSON.stringify({ level: 'info', msg: i === 7 ? 'x'.repeat(5000) : `m${i}` }));
    writeFileSync(big, lines.join('\n') + '\n');
    const small = await open(big);
    const fresh: Entry[] = [];
    for await (const b of small.rowBatches({}, { batchSize: 3 })) for (let r = 0; r < b.count; r++) fresh.push(b.entry(r));
    const reused: Entry[] = [];
    const seen = new Set<Uint32Array>();
    for await (const b of small.rowBatches({}, { batchSize: 1, recycle: 2 })) {
      seen.add(b.ids);
      for (let r = 0; r < b.count; r++) reused.push(b.entry(r));
    }
    expect(seen.size).toBe(2);
    expect(reused).toEqual(fresh);
    expect(reused[7]!.message).toHaveLength(5000);
    await expect(collect(small.rowBatches({}, { recycle: -1 }))).rejects.toThrow(LogsiftError);
  });

  it('is what iterate() yields', async () => {
    const it: Entry[] = [];
    for await (const e of inv.iterate({ minLevel: 'warn' }, { batchSize: 100 })) it.push(e);
    expect(it.length).toBe((await inv.count({ minLevel: 'warn' })).total);
    expect(it).toEqual(await inv.entries(it.map((e) => e.id)));
  });
});
