import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');
const sample = join(import.meta.dirname, '..', '..', '..', 'examples', 'sample');

function logsift(...args: string[]): { code: number | null; json: Record<string, unknown>; stdout: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(r.stdout) as Record<string, unknown>;
  } catch {
    // text output
  }
  return { code: r.status, json, stdout: r.stdout };
}

describe('logsift stats', () => {
  it('prints one JSON envelope when piped', () => {
    const r = logsift('stats', sample);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ ok: true, command: 'stats', inputs: { sources: [sample] } });
    const data = r.json['data'] as { entries: number; files: { format: string }[] };
    expect(data.entries).toBeGreaterThan(1000);
    expect(typeof r.json['elapsedMs']).toBe('number');
  });

  it('prints a readable table with --text', () => {
    const r = logsift('stats', sample, '--text');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format\s+text/);
    expect(r.stdout).toMatch(/levels\s+ERROR/);
  });

  it('reports a missing file as a JSON error with exit code 2', () => {
    const r = logsift('stats', '/nonexistent/file.log');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'ENOENT' } });
  });

  it('reports a bad flag as a usage error with exit code 2', () => {
    const r = logsift('stats', sample, '--bogus');
    expect(r.code).toBe(2);
    expect(r.json).toMatchObject({ ok: false, error: { code: 'USAGE' } });
  });
});
