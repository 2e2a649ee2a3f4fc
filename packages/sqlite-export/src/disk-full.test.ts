import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open } from '@logsift/api';
import { describe, expect, it } from 'vitest';
import { exportToSqlite } from './index.js';
import { exportScratch, inspectExport as inspect } from './test-logs.js';

const child = join(import.meta.dirname, 'disk-full-child.fixture.mjs');
const dist = join(import.meta.dirname, '..', 'dist', 'index.js');

describe('disk full during an export', () => {
  it('fails with a typed error, leaves a consistent database, and the next run resumes', async () => {
    expect(existsSync(dist), 'the child runs the built package: build it first (turbo does)').toBe(true);
    const total = 40_000;
    const batchSize = 1000;
    const { dir, input, dbPath } = await exportScratch('logsift-full-', total);
    // `ulimit -f` (KiB in bash): any write past 4 MiB fails with EFBIG, as on a full disk.
    // Node ignores SIGXFSZ, so the write fails instead of the process being killed.
    const out = execFileSync('bash', ['-c', 'ulimit -f 4096 && exec "$0" "$@"', process.execPath, child, input, dbPath, String(batchSize)], {
      encoding: 'utf8',
    });
    const outcome = JSON.parse(out.trim()) as { ok: boolean; code?: string; name?: string; message?: string };
    expect(outcome).toMatchObject({ ok: false, code: 'DB_ERROR' });
    // SQLite says 'disk I/O error' for EFBIG and 'database or disk is full' for ENOSPC.
    expect(outcome.message).toMatch(/disk/i);

    const s = inspect(dbPath);
    expect(s.integrity).toBe('ok');
    // Only whole committed batches, a prefix of the input, and the progress marker agrees.
    expect(s.rows % batchSize).toBe(0);
    expect(s.maxLine).toBe(s.rows);
    expect(s.distinct).toBe(s.rows);
    expect(s.marker).toBe(s.rows);
    expect(s.rows).toBeLessThan(total);

    const inv = await open(input);
    const result = await exportToSqlite(inv, dbPath, { batchSize });
    inv.close();
    expect(result.resumed).toBe(s.rows);
    expect(inspect(dbPath)).toEqual({ integrity: 'ok', rows: total, maxLine: total, distinct: total, marker: total });
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});
