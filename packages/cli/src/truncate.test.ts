import { afterAll, describe, expect, it } from 'vitest';
import type { Envelope } from './envelope.js';
import { logsift, tempFiles } from './test-support.js';
import { fitToBytes, serializedBytes } from './truncate.js';

function envelope(data: unknown): Envelope {
  return { ok: true, command: 't', inputs: { args: ['x'], options: {} }, data, truncated: false, elapsedMs: 1 };
}

const entries = Array.from({ length: 500 }, (_, i) => ({ id: i, message: `message number ${i} ${'x'.repeat(i % 50)}` }));

describe('fitToBytes', () => {
  it('leaves a small envelope alone', () => {
    const e = envelope({ entries: entries.slice(0, 2) });
    expect(fitToBytes(e, 4096, false)).toBe(true);
    expect(e.truncated).toBe(false);
  });

  it.each([1024, 4096, 16384])('cuts the largest list to the most entries that fit in %i bytes', (max) => {
    const e = envelope({ small: [1, 2, 3], entries: structuredClone(entries) });
    expect(fitToBytes(e, max, false)).toBe(true);
    expect(serializedBytes(e, false)).toBeLessThanOrEqual(max);
    const t = e.truncated;
    expect(t).toMatchObject({ list: 'data.entries', total: 500 });
    const kept = (e.data as { entries: unknown[] }).entries.length;
    expect(t && t.kept).toBe(kept);
    expect(kept).toBeGreaterThan(0);
    // One more would not fit: the cut is as small as possible.
    const more = envelope({ small: [1, 2, 3], entries: entries.slice(0, kept + 1) });
    more.truncated = { list: 'data.entries', kept: kept + 1, total: 500 };
    expect(serializedBytes(more, false)).toBeGreaterThan(max);
  });

  it('counts bytes, not characters, and honours --pretty', () => {
    const e = envelope({ entries: Array.from({ length: 200 }, () => ({ message: 'héllo wörld ✓' })) });
    expect(fitToBytes(e, 1024, true)).toBe(true);
    expect(serializedBytes(e, true)).toBeLessThanOrEqual(1024);
    expect(Buffer.byteLength(JSON.stringify(e, null, 2)) + 1).toBeLessThanOrEqual(1024);
  });

  it('cuts the next list when emptying the largest is not enough', () => {
    const e = envelope({ a: Array.from({ length: 100 }, (_, i) => `a${i}`.repeat(20)), b: Array.from({ length: 60 }, (_, i) => `b${i}`.repeat(20)) });
    expect(fitToBytes(e, 1024, false)).toBe(true);
    expect(serializedBytes(e, false)).toBeLessThanOrEqual(1024);
    expect(e.truncated).toMatchObject({ list: 'data.a', kept: 0, total: 100, more: [{ list: 'data.b', total: 60 }] });
  });

  it('shortens long strings when even empty lists do not fit', () => {
    const e = envelope({ text: 'y'.repeat(5000), entries: [1, 2, 3] });
    expect(fitToBytes(e, 1024, false)).toBe(true);
    expect(serializedBytes(e, false)).toBeLessThanOrEqual(1024);
    const t = e.truncated;
    expect(t && t.stringsCutTo).toBeGreaterThan(500);
    expect((e.data as { text: string }).text.endsWith('…')).toBe(true);
  });
});

const many = tempFiles(
  Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`app-${String(i).padStart(3, '0')}.log`, `2024-05-01 10:00:${String(i % 60).padStart(2, '0')} ERROR failure ${i}\n`])),
);
afterAll(() => many.remove());

describe('--max-bytes end to end', () => {
  it.each([1024, 4096, 16384])('stats over 300 files fits in %i bytes and says what it cut', (max) => {
    const r = logsift(['stats', many.dir, '--max-bytes', String(max)]);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(max);
    const files = (r.json['data'] as { files: unknown[] }).files;
    expect(r.json['truncated']).toEqual({ list: 'data.files', kept: files.length, total: 300 });
    expect(r.json['summary']).toMatchObject({ files: 300, entries: 300 });
  });

  it('--pretty output fits too', () => {
    const r = logsift(['stats', many.dir, '--max-bytes', '4096', '--pretty']);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    expect(r.json['truncated']).toMatchObject({ list: 'data.files', total: 300 });
  });

  it('the text rendering says it was truncated', () => {
    const r = logsift(['stats', many.dir, '--max-bytes', '4096', '--text']);
    expect(r.stdout).toMatch(/truncated by --max-bytes \(data\.files: showing \d+ of 300\)/);
  });
});
