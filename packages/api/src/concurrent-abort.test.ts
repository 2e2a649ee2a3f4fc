import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CancelledError, generate, open, type Investigation } from './index.js';

describe('50 concurrent operations, half of them aborted', () => {
  it('the others answer as if alone; the aborted ones reject with CANCELLED or answer in full', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-abort-'));
    const file = join(dir, 'app.jsonl');
    writeFileSync(file, generate({ entries: 100_000, seed: 42 }));
    const inv = await open(file, { cache: false });
    const kinds: Array<(inv: Investigation, signal?: AbortSignal) => Promise<unknown>> = [
      (i, signal) => i.count({ regex: 'fail(ed|ure)|timeout' }, { signal }),
      (i, signal) => i.search({ text: 'connection reset', limit: 20 }, { signal }),
      (i, signal) => i.count({ text: 'started', aggregate: ['level', 'service'] }, { signal }),
      (i, signal) => i.search({ minLevel: 'error', regex: 'status=5\\d\\d', tail: 10 }, { signal }),
      (i, signal) => i.templates({ limit: 20 }, { signal }),
    ];
    // The answers of each kind run alone, first.
    const fresh = await open(file, { cache: false });
    const want: unknown[] = [];
    for (const k of kinds) want.push(await k(fresh));
    fresh.close();

    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => {
        const kind = n % kinds.length;
        const abort = n % 2 === 1 ? new AbortController() : undefined;
        if (abort) setTimeout(() => abort.abort(), (n * 7) % 30);
        try {
          return { n, kind, aborted: !!abort, value: await kinds[kind]!(inv, abort?.signal) };
        } catch (error) {
          return { n, kind, aborted: !!abort, error };
        }
      }),
    );
    let cancelled = 0;
    for (const r of results) {
      if ('error' in r) {
        expect(r.aborted, `op ${r.n} failed without being aborted: ${String(r.error)}`).toBe(true);
        expect(CancelledError.isInstance(r.error) && r.error.code).toBe('CANCELLED');
        cancelled += 1;
      } else {
        expect(r.value, `op ${r.n} (kind ${r.kind})`).toEqual(want[r.kind]);
      }
    }
    expect(cancelled).toBeGreaterThan(0);
    // The investigation is intact after the aborts.
    for (const [k, run] of kinds.entries()) expect(await run(inv)).toEqual(want[k]);
    inv.close();
  }, 60_000);
});
