import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, generate, generateToFile, open, UsageError, type GenerateOptions } from './index.js';

const sampleFile = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample', 'services.jsonl');

describe('generate', () => {
  it('reproduces the committed sample byte for byte', () => {
    const text = generate({ entries: 3000, seed: 42, format: 'json' });
    expect(text).toBe(readFileSync(sampleFile, 'utf8'));
  });

  it('is deterministic per seed and honours every option', () => {
    const a = generate({ entries: 500 });
    expect(generate({ entries: 500, seed: 42 })).toBe(a);
    expect(generate({ entries: 500, seed: 7 })).not.toBe(a);
    const records = a.split('\n').filter((l) => l.startsWith('{'));
    expect(records).toHaveLength(500);
    const first = JSON.parse(records[0] ?? '{}') as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['time', 'level', 'service', 'thread', 'request_id', 'trace_id', 'span_id', 'msg']));
    expect(first.time).toBe('2024-01-15T08:00:00.000Z');

    const text = generate({ entries: 50, format: 'text', start: '2025-06-01T12:00:00Z' });
    expect(text.split('\n')[0]).toMatch(/^2025-06-01 12:00:00,\d{3} (DEBUG|INFO |WARN |ERROR) \[worker-\d+[^\]]*\] \w+ - req=req-/);
    expect(generate({ entries: 50, format: 'logfmt' }).split('\n')[0]).toMatch(/^time=\S+ level=\w+ service=\w+ /);

    const noErrors = generate({ entries: 2000, errorRate: 0, incidents: false });
    expect(noErrors).not.toMatch(/"level":"error"/);
    const wide = generate({ entries: 5000, services: 12 });
    expect(wide).toMatch(/"service":"ledger"|"service":"pricing"|"service":"users"/);
  });

  it('rejects unknown and invalid options with INVALID_OPTION', () => {
    const bad: unknown[] = [
      { entries: 10, colour: true },
      { entries: 10, format: 'xml' },
      { entries: 10, services: 0 },
      { entries: 10, errorRate: 2 },
      { entries: -1 },
      {},
    ];
    for (const options of bad) {
      let error: unknown;
      try {
        generate(options as GenerateOptions);
      } catch (e) {
        error = e;
      }
      expect(UsageError.isInstance(error) && error.code, JSON.stringify(options)).toBe('INVALID_OPTION');
    }
  });
});

describe('generateToFile', () => {
  it('streams to a file, returns the ground truth, and the file indexes as described', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-gen-'));
    const path = join(dir, 'services.jsonl');
    const progress: number[] = [];
    const summary = await generateToFile(path, { entries: 20_000 }, { onProgress: (p) => progress.push(p.done) });
    expect(readFileSync(path, 'utf8')).toBe(generate({ entries: 20_000 }));
    expect(summary).toMatchObject({ seed: 42, format: 'json', entries: 20_000 });
    expect(summary.levels.DEBUG + summary.levels.INFO + summary.levels.WARN + summary.levels.ERROR).toBe(20_000);
    expect(progress.at(-1)).toBe(20_000);
    const incident = summary.incident;
    expect(incident).toMatchObject({
      rootCauseService: 'payments',
      rootCauseMessage: 'database connection pool exhausted',
      upstreamServices: ['checkout', 'gateway'],
    });
    expect(incident?.requestIds.length).toBeGreaterThan(0);

    const inv = await open(path);
    const stats = await inv.stats();
    expect(stats.entries).toBe(20_000);
    expect(stats.lines).toBe(summary.lines);
    expect(stats.levels).toEqual(summary.levels);
    const [first] = await inv.entries([incident?.firstEntry ?? -1]);
    expect(first).toMatchObject({ service: 'payments', level: 'ERROR', line: incident?.firstLine });
    expect(first?.message.startsWith('database connection pool exhausted')).toBe(true);
    inv.close();
  });

  it('writes batch jobs past 127,488 entries and reports them: a request with 1,000 child spans', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-gen-'));
    const path = join(dir, 'batch.jsonl');
    const small = await generateToFile(path, { entries: 20_000 });
    expect(small.batches).toEqual([]);
    const summary = await generateToFile(path, { entries: 135_000 });
    expect(summary.batches).toHaveLength(1);
    const batch = summary.batches[0];
    expect(batch).toMatchObject({ thread: 'batch-1', service: 'inventory', parts: 1000, entries: 1002, complete: true, firstEntry: 127_488 });
    const inv = await open(path);
    const [first] = await inv.entries([batch?.firstEntry ?? -1]);
    expect(first).toMatchObject({ thread: 'batch-1', request: batch?.requestId, line: batch?.firstLine });
    const tree = await inv.hierarchy(batch?.requestId ?? '', { kind: 'request' });
    expect(tree.nodeCount).toBe(1002);
    expect(tree.edges.explicit).toBe(1000);
    inv.close();
  });

  it('cancels through an AbortSignal and leaves no partial file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-gen-'));
    const path = join(dir, 'big.jsonl');
    const controller = new AbortController();
    const pending = generateToFile(path, { entries: 50_000_000 }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await pending.catch((e: unknown) => e);
    expect(CancelledError.isInstance(error)).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});
