import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, generateToFile, hasApiFunction } from './api-surface.js';

// The generator lives in the engine and is exposed by @logsift/api; the bench depends on it
// being deterministic (same seed → byte-identical data on every machine and every run).
describe.runIf(hasApiFunction('generate') && hasApiFunction('generateToFile'))('generator determinism', () => {
  it('gives identical bytes for the same seed and different bytes for another', async () => {
    for (const format of ['json', 'text', 'logfmt'] as const) {
      const a = generate({ entries: 2000, format, seed: 42 });
      expect(generate({ entries: 2000, format, seed: 42 })).toBe(a);
      expect(generate({ entries: 2000, format, seed: 43 })).not.toBe(a);
      expect(a.length).toBeGreaterThan(2000 * 20);
    }
  });

  it('writes to a file exactly what generate returns', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-gen-'));
    const path = join(dir, 'a.jsonl');
    await generateToFile(path, { entries: 3000, format: 'json', seed: 7 });
    expect(readFileSync(path, 'utf8')).toBe(generate({ entries: 3000, format: 'json', seed: 7 }));
  });
});
