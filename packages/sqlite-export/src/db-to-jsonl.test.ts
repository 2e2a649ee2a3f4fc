import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { open } from '@logsift/api';
import { describe, expect, it } from 'vitest';
import { dbToJsonl, exportToSqlite } from './index.js';
import { writeJsonLog } from './test-logs.js';

describe('dbToJsonl', () => {
  it('writes one JSON record per row to a file: JSON lines as they were, other records with logsift field names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-d2j-'));
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 100);
    const text = join(dir, 'app.log');
    writeFileSync(text, '2024-01-02 03:04:05,678 [main] ERROR c.e.App - boom\n2024-01-02 03:04:06,000 [worker-1] INFO c.e.Web - ok\n');
    const inv = await open([log, text]);
    const dbPath = join(dir, 'out.sqlite');
    await exportToSqlite(inv, dbPath);
    inv.close();
    const out = join(dir, 'back.jsonl');
    const r = await dbToJsonl(dbPath, out);
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    expect(r.rows).toBe(102);
    // A one-line JSON record is its own best copy: written back byte for byte.
    const jsonLines = readFileSync(log, 'utf8').trimEnd().split('\n');
    expect(lines.filter((l) => jsonLines.includes(l))).toHaveLength(100);
    const records = lines.filter((l) => !jsonLines.includes(l)).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records).toHaveLength(2);
    expect(records.find((x) => x.level === 'ERROR')).toMatchObject({
      time: '2024-01-02T03:04:05.678Z',
      msg: 'boom',
      thread: 'main',
      component: 'c.e.App',
    });
    await expect(dbToJsonl(dbPath, join(dir, 'never.jsonl'), undefined, { progressEvery: 0 })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      location: 'progressEvery',
    });
  });

  it('honours backpressure of a slow Writable and never buffers more than a chunk beyond its mark', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-d2j-'));
    const log = join(dir, 'app.jsonl');
    await writeJsonLog(log, 10_000);
    const inv = await open(log);
    const dbPath = join(dir, 'out.sqlite');
    await exportToSqlite(inv, dbPath, { fts: false });
    inv.close();
    let received = 0;
    let maxBuffered = 0;
    let drains = 0;
    const slow = new Writable({
      highWaterMark: 64 * 1024,
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        setTimeout(done, 2);
      },
    });
    slow.on('drain', () => drains++);
    const r = await dbToJsonl(dbPath, slow, undefined, {
      onProgress: () => {
        maxBuffered = Math.max(maxBuffered, slow.writableLength);
      },
      progressEvery: 500,
    });
    await new Promise<void>((resolve) => slow.end(resolve));
    expect(r.rows).toBe(10_000);
    expect(received).toBe(r.bytes);
    expect(drains).toBeGreaterThan(0);
    // at most one 256 KB chunk is queued past the high-water mark: the reader waited for drain
    expect(maxBuffered).toBeLessThanOrEqual(64 * 1024 + 2 * (1 << 18) + 4096);
  });
});
