import { describe, expect, it } from 'vitest';
import { logsift, sample } from './test-support.js';

interface Hit {
  id: number;
  level: string;
  message: string;
  matches: [number, number][];
  context?: { before: unknown[]; after: unknown[] };
}

describe('logsift search', () => {
  it('returns the exact total, a page of hits with match spans, and a cursor', () => {
    const r = logsift(['search', sample, '-q', 'Progress', '-n', '5', '--aggregate', 'level']);
    expect(r.code).toBe(0);
    const data = r.json['data'] as { totalMatches: number; entries: Hit[]; nextCursor: string; aggregations: { level: Record<string, number> } };
    // The total is exact: the same as count for the same query.
    const total = (logsift(['count', sample, '-q', 'Progress']).json['data'] as { total: number }).total;
    expect(total).toBeGreaterThan(100);
    expect(data.totalMatches).toBe(total);
    expect(data.entries).toHaveLength(5);
    const hit = data.entries[0] as Hit;
    const [s, e] = hit.matches[0] ?? [0, 0];
    expect(hit.message.slice(s, e).toLowerCase()).toBe('progress');
    expect(Object.values(data.aggregations.level).reduce((a, b) => a + b, 0)).toBe(total);
    expect(r.json['summary']).toEqual({ totalMatches: total, returned: 5, nextCursor: data.nextCursor });
    expect(r.json['inputs']).toMatchObject({ options: { query: 'Progress', limit: 5, aggregate: ['level'] } });

    const next = logsift(['search', sample, '-q', 'Progress', '-n', '5', '--cursor', data.nextCursor]);
    const page2 = (next.json['data'] as { entries: Hit[] }).entries;
    expect(page2[0]?.id).toBeGreaterThan(data.entries[4]?.id ?? Infinity);
  });

  it('maps the query flags: level, regex, tail, context', () => {
    const fatal = logsift(['search', sample, '--level', 'fatal', '--tail', '1', '-C', '1']);
    const data = fatal.json['data'] as { totalMatches: number; entries: Hit[] };
    expect(data.totalMatches).toBe(2);
    expect(data.entries).toHaveLength(1);
    expect(data.entries[0]?.level).toBe('FATAL');
    expect(data.entries[0]?.context?.before).toHaveLength(1);
    const re = logsift(['search', sample, '--regex', 'NoRouteToHost(Exception)?', '--min-level', 'fatal']);
    expect((re.json['data'] as { totalMatches: number }).totalMatches).toBe(2);
  });

  it('--fields and --compact reach context entries too', () => {
    const r = logsift(['search', sample, '--level', 'fatal', '-n', '1', '-C', '1', '--fields', 'id,level,context', '--compact']);
    const e = (r.json['data'] as { entries: Record<string, unknown>[] }).entries[0] ?? {};
    expect(Object.keys(e)).toEqual(['i', 'l', 'ctx']);
    expect(Object.keys((e['ctx'] as { before: Record<string, unknown>[] }).before[0] ?? {})).toEqual(['i', 'l']);
  });

  it('exits 1 with an empty result', () => {
    const r = logsift(['search', sample, '-q', 'zzz-no-such-text']);
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ ok: true, data: { totalMatches: 0, entries: [] } });
  });

  it('an invalid regex is a usage error with its location', () => {
    const r = logsift(['search', sample, '--regex', '(']);
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'INVALID_REGEX', location: expect.stringContaining('regex'), hint: expect.any(String) } });
  });

  it('a bad time and a bad --order choice are usage errors', () => {
    expect(logsift(['search', sample, '--after', 'yesterday-ish']).json).toMatchObject({ error: { code: 'INVALID_TIME' } });
    const order = logsift(['search', sample, '--order', 'sideways']);
    expect(order.code).toBe(2);
    expect(order.json).toMatchObject({ error: { code: 'USAGE' } });
  });

  it.each([1024, 4096, 16384])('--max-bytes %i cuts data.entries and says so', (max) => {
    const r = logsift(['search', sample, '--level', 'error', '-n', '150', '--max-bytes', String(max)]);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(max);
    const kept = (r.json['data'] as { entries: unknown[] }).entries.length;
    // An entry with its raw record is ~700 bytes: at 1 KB none fits beside the envelope.
    expect(kept).toBeGreaterThanOrEqual(max > 1024 ? 1 : 0);
    expect(r.json['truncated']).toEqual({ list: 'data.entries', kept, total: 150 });
  });

  it('text: one line per entry and the total', () => {
    const r = logsift(['search', sample, '--level', 'fatal', '--text']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^2015-10-18 18:\d\d:\d\d\.\d{3} FATAL /);
    expect(r.stdout).toContain('2 matches, showing 1-2');
  });
});

describe('logsift count', () => {
  it('counts exactly, with aggregations', () => {
    const r = logsift(['count', sample, '--level', 'error,fatal', '--aggregate', 'level']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ data: { total: 152, aggregations: { level: { ERROR: 150, FATAL: 2 } } }, summary: { total: 152 } });
    expect(logsift(['count', sample, '-q', 'zzz-no-such-text']).code).toBe(1);
  });
});

describe('logsift emit with a query', () => {
  it('streams only matching entries', () => {
    const r = logsift(['emit', sample, '--level', 'fatal', '--fields', 'id,level']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 1019, level: 'FATAL' },
      { id: 1052, level: 'FATAL' },
    ]);
    expect(logsift(['emit', sample, '-q', 'zzz-no-such-text']).code).toBe(1);
  });
});

describe('logsift templates', () => {
  it('mined templates, most frequent first, counts adding up to the entries', () => {
    const r = logsift(['templates', sample, '-n', '1000']);
    expect(r.code).toBe(0);
    const data = r.json['data'] as { total: number; entries: number; templates: { pattern: string; count: number; errorCount: number }[] };
    expect(data.entries).toBe(2000);
    expect(data.templates.length).toBe(data.total);
    expect(data.templates.reduce((n, t) => n + t.count, 0)).toBe(2000);
    const counts = data.templates.map((t) => t.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(data.templates.some((t) => t.pattern.includes('<*>'))).toBe(true);
    expect(r.json['summary']).toEqual({ total: data.total, returned: data.total, entries: 2000 });
  });

  it('--errors-only keeps templates with errors, and their errors add up to ERROR+FATAL', () => {
    const r = logsift(['templates', sample, '--errors-only', '-n', '1000']);
    const data = r.json['data'] as { templates: { errorCount: number }[] };
    expect(data.templates.every((t) => t.errorCount > 0)).toBe(true);
    expect(data.templates.reduce((n, t) => n + t.errorCount, 0)).toBe(152);
  });

  it('--max-bytes 4096 cuts data.templates; text shows a table', () => {
    const r = logsift(['templates', sample, '-n', '1000', '--max-bytes', '4096']);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(4096);
    expect(r.json['truncated']).toMatchObject({ list: 'data.templates' });
    const t = logsift(['templates', sample, '-n', '5', '--text']);
    expect(t.stdout).toMatch(/count\s+errors\s+time\s+pattern/);
    expect(t.stdout).toMatch(/templates over 2,000 entries, showing 5/);
  });
});

describe('logsift triage and follow', () => {
  it('triage: error rate, top errors, affected threads, suggestions', () => {
    const r = logsift(['triage', sample]);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { entries: number; errors: number; topErrors: { count: number }[]; threads: { name: string; errors: number }[]; suggestions: string[] };
    expect(d.entries).toBe(2000);
    expect(d.errors).toBe(152);
    expect(d.topErrors.length).toBeGreaterThan(0);
    expect(d.threads.some((t) => t.name === 'RMCommunicator Allocator' && t.errors > 0)).toBe(true);
    expect(r.json['summary']).toMatchObject({ entries: 2000, errors: 152 });
    const t = logsift(['triage', sample, '--text']);
    expect(t.stdout).toContain('top errors');
  });

  it('follow: one thread in time order, with outcome; unknown id exits 1 or 2', () => {
    const r = logsift(['follow', sample, '--id', 'IPC Server handler 13 on 62270', '--kind', 'thread', '-n', '5']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { kind: string; total: number; entries: { thread: string; timestampNs: number }[]; outcome: string };
    expect(d.kind).toBe('thread');
    expect(d.entries.length).toBeLessThanOrEqual(5);
    expect(d.entries.every((e) => e.thread === 'IPC Server handler 13 on 62270')).toBe(true);
    const times = d.entries.map((e) => e.timestampNs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(d.outcome).toBe('error');
    // Ids are paged like the entries; the next page starts where this one ends.
    const page = r.json['data'] as { total: number; entryIds: number[]; nextOffset: number | null };
    expect(page.entryIds).toHaveLength(d.entries.length);
    expect(page.nextOffset).toBe(5);
    expect(r.json['summary']).toMatchObject({ total: page.total, nextOffset: 5 });
    const next = logsift(['follow', sample, '--id', 'IPC Server handler 13 on 62270', '--kind', 'thread', '-n', '5', '--offset', '5']);
    expect((next.json['data'] as { entryIds: number[] }).entryIds[0]).not.toBe(page.entryIds[0]);
    const missing = logsift(['follow', sample, '--id', 'no-such-id']);
    expect([1, 2]).toContain(missing.code);
    const bad = logsift(['follow', sample]);
    expect(bad.code).toBe(2);
    expect(bad.json).toMatchObject({ error: { code: 'USAGE' } });
  });
});

describe('logsift summarize', () => {
  it('stats, triage and templates in one envelope that --max-bytes bounds', () => {
    const r = logsift(['summarize', sample, '--max-bytes', '8000']);
    expect(r.code).toBe(0);
    expect(Buffer.byteLength(r.stdout)).toBeLessThanOrEqual(8000);
    expect(r.json['summary']).toMatchObject({ entries: 2000, errors: 152 });
    expect(Object.keys(r.json['data'] as object)).toEqual(['stats', 'triage', 'templates']);
  });
});

describe('logsift ids', () => {
  it('threads of the Hadoop sample, busiest first', () => {
    const r = logsift(['ids', sample, '--kind', 'thread', '-n', '3']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { kinds: { kind: string; total: number; ids: { id: string; count: number }[] }[] };
    expect(d.kinds).toHaveLength(1);
    expect(d.kinds[0]?.kind).toBe('thread');
    expect(d.kinds[0]?.ids).toHaveLength(3);
    const counts = d.kinds[0]?.ids.map((i) => i.count) ?? [];
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(logsift(['ids', sample, '--kind', 'galaxy']).code).toBe(2);
  });
});
