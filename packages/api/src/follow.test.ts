import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LogsiftError, open } from './index.js';

const t = (ms: number) => new Date(Date.UTC(2024, 0, 1) + ms).toISOString();
const rec = (ms: number, level: string, msg: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ time: t(ms), level, msg, ...extra });

async function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'logsift-ops-'));
  const file = join(dir, 'app.jsonl');
  writeFileSync(
    file,
    [
      rec(0, 'info', 'start', { request_id: 'r1', thread: 'w-1', service: 'api' }),
      rec(5, 'info', 'sub', { request_id: 'r1', thread: 'w-1.a', service: 'api' }),
      rec(10, 'error', 'failed took 7ms', { request_id: 'r1', thread: 'w-1.a', service: 'db' }),
      rec(20, 'info', 'done', { request_id: 'r1', thread: 'w-1', service: 'api' }),
      rec(30, 'info', 'other', { request_id: 'r2', thread: 'w-2' }),
    ].join('\n'),
  );
  return open(file);
}

describe('investigation ops', () => {
  it('follows an id, lists ids and shows context', async () => {
    const inv = await fixture();
    const f = await inv.follow('r1', { limit: 2 });
    expect(f.kind).toBe('request');
    expect(f.total).toBe(4);
    expect(f.entryIds).toEqual([0, 1]);
    expect(f.nextOffset).toBe(2);
    expect(f.entries.map((e) => e.message)).toEqual(['start', 'sub']);
    const rest = await inv.follow('r1', { limit: 2, offset: f.nextOffset ?? 0 });
    expect([rest.entryIds, rest.nextOffset, rest.errorCount]).toEqual([[2, 3], null, 1]);
    expect(f.outcome).toBe('error');
    expect(f.services).toEqual(['api', 'db']);
    expect(f.durationMs).toBe(20);
    const ids = await inv.ids({ kind: 'thread' });
    expect(ids.kinds[0]?.ids.map((i) => [i.id, i.count])).toEqual([
      ['w-1', 2],
      ['w-1.a', 2],
      ['w-2', 1],
    ]);
    const c = await inv.context('app.jsonl', 3, { before: 1, after: 1 });
    expect([c.before[0]?.message, c.entry.message, c.after[0]?.message]).toEqual(['sub', 'failed took 7ms', 'done']);
    const missing = await inv.follow('nope').catch((e: unknown) => e);
    expect(LogsiftError.isInstance(missing) && missing.code).toBe('UNKNOWN_ID');
    const bad = await inv.call('follow', { id: 'r1', bogus: true }).catch((e: unknown) => e);
    expect(LogsiftError.isInstance(bad) && bad.code).toBe('INVALID_OPTION');
  });

  it('builds a hierarchy and finds the root cause', async () => {
    const inv = await fixture();
    const h = await inv.hierarchy('r1');
    expect(h.tree.children[0]?.name).toBe('w-1');
    const child = h.tree.children[0]?.children[0];
    expect(child?.name).toBe('w-1.a');
    expect(h.nodes[child?.index ?? -1]).toMatchObject({ method: 'naming', confidence: 0.9 });
    const b = await inv.bottlenecks('r1', { thresholdMs: 1 });
    expect(b.nodes[0]?.path).toEqual(['r1', 'w-1']);
    const ef = await inv.errorFlow({ id: 'r1' });
    expect(ef.mode === 'tree' && ef.rootCauses[0]?.node.name).toBe('w-1.a');
    const bySvc = await inv.errorFlow();
    expect(bySvc.mode === 'scope' && bySvc.suggestedOrigin).toBe('db');
  });

  it('samples, measures, draws a timeline and triages', async () => {
    const inv = await fixture();
    const s = await inv.sample({ strategy: 'errors', size: 2 });
    expect(s.entryIds).toEqual([1, 2]);
    expect(s.items[1]?.reason).toMatch(/^error/);
    const r1 = await inv.sample({ strategy: 'random', size: 3, seed: 7 });
    const r2 = await inv.sample({ strategy: 'random', size: 3, seed: 7 });
    expect(r1.entryIds).toEqual(r2.entryIds);
    const m = await inv.metrics();
    expect(m.fields[0]).toMatchObject({ field: 'duration', count: 1, p50: 7, unit: 'ms' });
    const tl = await inv.timeline({ id: 'r1', gapMs: 6 });
    expect(tl.items.map((i) => i.relMs)).toEqual([0, 5, 10, 20]);
    expect(tl.gaps).toHaveLength(1);
    const tr = await inv.triage();
    expect(tr.errors).toBe(1);
    expect(tr.suggestions).toContain('logsift follow <sources> --id r1');
  });
});
