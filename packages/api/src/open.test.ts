import { mkdtempSync, writeFileSync, mkdirSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, clearIndexCache, InputError, LogsiftError, open, UsageError } from './index.js';

const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample');

describe('open', () => {
  it('indexes the bundled sample and reports stats', async () => {
    const inv = await open(sample);
    const stats = await inv.stats();
    expect(stats.entries).toBeGreaterThan(1000);
    expect(stats.files.every((f) => f.format !== 'raw')).toBe(true);
    expect(stats.timeRange.first).toMatch(/^\d{4}-\d\d-\d\dT/);
    const [first] = await inv.entries([0]);
    expect(first?.line).toBe(1);
    inv.close();
    expect(() => inv.skipped()).toThrow(/closed/);
  });

  it('reads JSON lines with levels, ids and time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-api-'));
    const file = join(dir, 'app.jsonl');
    writeFileSync(
      file,
      [
        '{"time":1700000000000,"level":30,"msg":"start","reqId":"r1"}',
        '{"time":1700000001000,"level":50,"msg":"boom","reqId":"r1"}',
      ].join('\n'),
    );
    const inv = await open(file);
    const stats = await inv.stats();
    expect(stats.files[0]?.format).toBe('json');
    expect(stats.levels).toEqual({ INFO: 1, ERROR: 1 });
    const schema = await inv.schema({ sample: 10 });
    expect(schema[0]?.ids).toEqual([{ kind: 'request', records: 2, distinct: 1 }]);
    expect(schema[0]?.fields.map((f) => f.name).sort()).toEqual(['level', 'msg', 'reqId', 'time']);
    const [detected] = await inv.detect();
    expect(detected).toMatchObject({ path: file, format: 'json', confidence: 1, entries: 2 });
    expect(detected?.layout).toMatchObject({ fields: [], confidence: 1, note: null, continuation: { headers: 1, standalone: 0 } });
    expect(detected?.layout.summary).toMatch(/^json: JSON lines/);
    const [, second] = await inv.entries([0, 1]);
    expect(second).toMatchObject({ level: 'ERROR', severity: 17, message: 'boom', request: 'r1', time: '2023-11-14T22:13:21.000Z' });
  });

  it('reads zone-less stamps in an IANA zone with its daylight-saving rules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-api-'));
    const file = join(dir, 'local.log');
    writeFileSync(file, '2024-01-15 12:00:00 INFO winter\n2024-07-01 12:00:00 INFO summer\n2024-10-27 02:30:00 INFO repeated hour\n');
    const inv = await open(file, { timezone: 'Europe/Berlin', cache: false });
    const times = (await inv.entries([0, 1, 2])).map((e) => e.time);
    expect(times).toEqual(['2024-01-15T11:00:00.000Z', '2024-07-01T10:00:00.000Z', '2024-10-27T00:30:00.000Z']);
    inv.close();
    const bad = await open(file, { timezone: 'Mars/Base', cache: false }).catch((e: unknown) => e);
    expect(UsageError.isInstance(bad) && bad.code).toBe('INVALID_OPTION');
    expect(String((bad as Error).message)).toMatch(/IANA name like Europe\/Berlin/);
  });

  it('gives typed errors with stable codes for bad inputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-api-'));
    const missing = await open(join(dir, 'nope.log')).catch((e: unknown) => e);
    expect(InputError.isInstance(missing) && missing.code).toBe('ENOENT');

    const emptyDir = join(dir, 'empty');
    mkdirSync(emptyDir);
    const noLogs = await open(emptyDir).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(noLogs) && noLogs.code).toBe('NO_INPUT');

    const bin = join(dir, 'x.bin');
    writeFileSync(bin, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 1, 2, 3]));
    const binary = await open(bin).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(binary) && binary.code).toBe('BINARY_INPUT');

    const empty = join(dir, 'empty.log');
    writeFileSync(empty, '');
    const inv = await open(empty);
    expect((await inv.stats()).entries).toBe(0);

    const badOption = await open(empty, { format: 'nope' }).catch((e: unknown) => e);
    expect(UsageError.isInstance(badOption) && badOption.code).toBe('INVALID_OPTION');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const unknownKey = await open(empty, { colour: true } as any).catch((e: unknown) => e);
    expect(UsageError.isInstance(unknownKey)).toBe(true);
  });

  it('reuses the index of unchanged files and re-indexes changed ones', async () => {
    clearIndexCache();
    const dir = mkdtempSync(join(tmpdir(), 'logsift-cache-'));
    const file = join(dir, 'a.log');
    writeFileSync(file, '2024-01-01T00:00:00Z INFO one\n');
    const a = await open(file);
    const b = await open(file);
    const [ea] = await a.entries([0]);
    const [eb] = await b.entries([0]);
    expect(eb).toEqual(ea);
    // Same handle: closing one investigation does not close the other.
    a.close();
    expect((await b.stats()).entries).toBe(1);
    appendFileSync(file, '2024-01-01T00:00:01Z ERROR two\n');
    const c = await open(file);
    expect((await c.stats()).entries).toBe(2);
    const d = await open(file, { cache: false });
    expect((await d.stats()).entries).toBe(2);
  });

  it('opens bytes (stdin) without a path', async () => {
    const inv = await open('-', { data: Buffer.from('{"level":"error","msg":"from stdin"}\n') });
    const [e] = await inv.entries([0]);
    expect(e).toMatchObject({ file: '<stdin>', message: 'from stdin', level: 'ERROR' });
  });

  it('honours an aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    const err = await open(sample, { signal: controller.signal }).catch((e: unknown) => e);
    expect(CancelledError.isInstance(err)).toBe(true);
  });
});
