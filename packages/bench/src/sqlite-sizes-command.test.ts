import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT, run } from './program.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logsift-bench sqlite-sizes', () => {
  it('rejects a --runs that would produce an empty report, before generating anything', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = join(mkdtempSync(join(tmpdir(), 'logsift-bench-')), 'sizes');
    for (const runs of ['0', 'abc', '1.5']) {
      expect(await run(['sqlite-sizes', '--sizes', '10', '--runs', runs, '--dir', dir])).toBe(EXIT.usage);
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('rejects an unknown --to format before generating anything', async () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const dir = join(mkdtempSync(join(tmpdir(), 'logsift-bench-')), 'sizes');
    expect(await run(['sqlite-sizes', '--sizes', '10', '--to', 'csv', '--dir', dir])).toBe(EXIT.usage);
    expect(existsSync(dir)).toBe(false);
  });
});
