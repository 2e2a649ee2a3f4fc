import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generate } from '@logsift/api';
import { EXIT, run } from './program.js';

function capture(): { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0);
  return { out: () => out.join(''), err: () => err.join('') };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('logsift-bench generate', () => {
  it('writes the same bytes as the library and prints the summary', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'logsift-bench-')), 'out.log');
    const io = capture();
    const code = await run(['generate', '--entries', '2000', '--format', 'text', '--seed', '7', '--out', file]);
    expect(code).toBe(EXIT.ok);
    expect(readFileSync(file, 'utf8')).toBe(generate({ entries: 2000, format: 'text', seed: 7 }));
    const summary = JSON.parse(io.out()) as { file: string; entries: number; format: string; seed: number };
    expect(summary).toMatchObject({ file, entries: 2000, format: 'text', seed: 7 });
  });

  it('writes to stdout without --out and passes every option through', async () => {
    const io = capture();
    const code = await run(['generate', '-n', '300', '--services', '3', '--error-rate', '0', '--no-incidents', '--start', '2025-01-01T00:00:00Z']);
    expect(code).toBe(EXIT.ok);
    expect(io.out()).toBe(generate({ entries: 300, services: 3, errorRate: 0, incidents: false, start: '2025-01-01T00:00:00Z', seed: 42, format: 'json' }));
    expect(io.out()).not.toContain('"level":"error"');
  });

  it('exits 2 on bad usage', async () => {
    const io = capture();
    expect(await run(['generate', '--entries', 'lots'])).toBe(EXIT.usage);
    expect(await run(['generate', '--entries', '5', '--format', 'xml'])).toBe(EXIT.usage);
    expect(await run(['generate'])).toBe(EXIT.usage);
    expect(await run(['generate', '--entries', '5', '--services', '99'])).toBe(EXIT.usage);
    expect(io.err()).toMatch(/INVALID_OPTION/);
    expect(await run(['nope'])).toBe(EXIT.usage);
  });
});
