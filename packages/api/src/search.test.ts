import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { LogsiftError, open, type Investigation } from './index.js';

let inv: Investigation;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-search-'));
  const lines: string[] = [];
  for (let i = 0; i < 200; i++) {
    const level = ['info', 'warn', 'error', 'debug'][i % 4];
    const msg = i % 10 === 0 ? `connection reset by peer ${i}` : `request ${i} done`;
    lines.push(JSON.stringify({ time: 1700000000000 + i * 1000, level, service: i % 2 ? 'api' : 'db', msg, status: i % 5 ? 200 : 503 }));
  }
  const file = join(dir, 'app.jsonl');
  writeFileSync(file, lines.join('\n'));
  inv = await open(file);
});

describe('search', () => {
  it('counts exactly and returns one page with match spans', async () => {
    const r = await inv.search({ q: 'level>=warn "connection reset"', limit: 3 });
    expect(r.totalMatches).toBe(10);
    expect(r.returned).toBe(3);
    const hit = r.entries[0]!;
    const [s, e] = hit.matches[0]!;
    expect(hit.message.slice(s, e)).toBe('connection reset');
    expect(r.nextCursor).toBeTypeOf('string');
    const next = await inv.search({ q: 'level>=warn "connection reset"', limit: 3, cursor: r.nextCursor });
    expect(next.entries[0]!.id).toBeGreaterThan(hit.id);
  });

  it('filters fields and aggregates', async () => {
    const c = await inv.count({ where: 'status>=500', aggregate: ['level', 'service'] });
    expect(c.total).toBe(40);
    expect(c.aggregations.service).toEqual([
      ['api', 20],
      ['db', 20],
    ]);
  });

  it('streams every match with iterate', async () => {
    const seen: number[] = [];
    for await (const e of inv.iterate({ level: 'error' }, { batchSize: 7 })) seen.push(e.id);
    expect(seen.length).toBe(50);
    expect(new Set(seen).size).toBe(50);
  });

  it('rejects bad input with codes and positions', async () => {
    const bad = await inv.search({ regex: 'a(b' }).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(bad) && bad.code).toBe('INVALID_REGEX');
    const q = await inv.search({ q: 'level>=warn "open' }).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(q) && q.code).toBe('INVALID_QUERY');
    expect((q as Error).message).toMatch(/position 12/);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const unknown = await inv.search({ colour: 'red' } as any).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(unknown) && unknown.code).toBe('INVALID_OPTION');
  });
});
