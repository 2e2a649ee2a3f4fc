import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsift, sample } from './test-support.js';

/** The JSON-lines service sample (requests, traces, spans, durations). */
const services = join(sample, '..', 'services.jsonl');

function firstTrace(): string {
  const r = logsift(['ids', services, '--kind', 'trace', '-n', '1']);
  return (r.json['data'] as { kinds: { ids: { id: string }[] }[] }).kinds[0]?.ids[0]?.id ?? '';
}

describe('investigation commands end to end', () => {
  it('hierarchy: the tree of one trace, nodes with services; text draws it', () => {
    const trace = firstTrace();
    const r = logsift(['hierarchy', services, '--id', trace]);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { kind: string; nodeCount: number; nodes: { service: string | null }[]; tree: { children: unknown[] } };
    expect(d.kind).toBe('trace');
    expect(d.nodeCount).toBeGreaterThan(1);
    expect(d.nodes.some((n) => n.service)).toBe(true);
    expect(logsift(['hierarchy', services, '--id', trace, '--text']).stdout).toMatch(/└─ /);
    expect(logsift(['hierarchy', services]).code).toBe(2);
  });

  it('context: the records around a line', () => {
    const r = logsift(['context', sample, '--file', sample, '--line', '668', '-C', '2']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ data: { line: 668, exact: true, entry: { line: 668 } } });
    const d = r.json['data'] as { before: unknown[]; after: unknown[] };
    expect(d.before).toHaveLength(2);
    expect(d.after).toHaveLength(2);
  });

  it('sample: entries with the reason each was chosen; a bad strategy is a usage error', () => {
    const r = logsift(['sample', sample, '-n', '4', '--strategy', 'errors']);
    expect(r.code).toBe(0);
    const d = r.json['data'] as { items: { reason: string; entry: { severity: number } }[] };
    expect(d.items.length).toBeGreaterThan(0);
    expect(d.items.every((i) => i.reason.length > 0)).toBe(true);
    expect(d.items.some((i) => i.entry.severity >= 17)).toBe(true);
    expect(logsift(['sample', sample, '--strategy', 'best']).code).toBe(2);
  });

  it('timeline, error-flow, metrics: JSON envelopes over the samples', () => {
    const t = logsift(['timeline', sample, '-n', '3']);
    expect(t.code).toBe(0);
    expect(t.json).toMatchObject({ ok: true, data: { total: 2000 } });
    const e = logsift(['error-flow', sample]);
    expect(e.code).toBe(0);
    expect(e.json).toMatchObject({ data: { errors: 152 }, summary: { errors: 152 } });
    const m = logsift(['metrics', services]);
    expect(m.code).toBe(0);
    expect((m.json['data'] as { fields: { field: string; count: number }[] }).fields[0]?.count).toBeGreaterThan(0);
  });
});

describe('bottlenecks, compare, diff', () => {
  it('bottlenecks: the slowest nodes of one trace', () => {
    const trace = firstTrace();
    const r = logsift(['bottlenecks', services, '--id', trace]);
    expect([0, 1]).toContain(r.code);
    expect(r.json).toMatchObject({ ok: true, data: { id: trace } });
    expect(logsift(['bottlenecks', services]).code).toBe(2);
  });

  it('compare: two requests side by side', () => {
    const ids = logsift(['ids', services, '--kind', 'request', '-n', '2']).json['data'] as { kinds: { ids: { id: string }[] }[] };
    const [a, b] = ids.kinds[0]?.ids ?? [];
    const r = logsift(['compare', services, '--a', a?.id ?? '', '--b', b?.id ?? '']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'compare' });
  });

  it('diff: two periods as compact queries; a bad query is a usage error', () => {
    const r = logsift(['diff', services, '--a', 'before:2024-01-15T08:00:03Z', '--b', 'after:2024-01-15T08:00:03Z']);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'diff' });
    expect(logsift(['diff', services, '--a', 'before:not-a-time', '--b', 'x']).code).toBe(2);
  });
});
