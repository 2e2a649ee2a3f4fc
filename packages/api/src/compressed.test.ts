import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate, InputError, open } from './index.js';

describe('compressed inputs', () => {
  it('reads every gzip member, and maxDecompressedBytes refuses more with INPUT_TOO_LARGE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-gz-'));
    const [a, b] = [generate({ entries: 300, seed: 1 }), generate({ entries: 200, seed: 2 })];
    const file = join(dir, 'app.jsonl.gz');
    writeFileSync(file, Buffer.concat([gzipSync(a), gzipSync(b)]));
    const size = Buffer.byteLength(a) + Buffer.byteLength(b);

    const inv = await open(file, { cache: false, maxDecompressedBytes: size });
    expect((await inv.stats()).entries).toBe(500);
    inv.close();

    const err = await open(file, { cache: false, maxDecompressedBytes: size - 1 }).catch((e: unknown) => e);
    expect(InputError.isInstance(err) && [err.code, err.location]).toEqual(['INPUT_TOO_LARGE', file]);
    // The same limit applies to compressed bytes given directly (stdin).
    const data = await open('-', { data: gzipSync(a), maxDecompressedBytes: 100 }).catch((e: unknown) => e);
    expect(InputError.isInstance(data) && data.code).toBe('INPUT_TOO_LARGE');
  });
});
