import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { open } from '@logsift/api';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exportToSqlite } from './index.js';
import { exportScratch, inspectExport as inspect } from './test-logs.js';

const child = join(import.meta.dirname, 'export-child.fixture.mjs');
const dist = join(import.meta.dirname, '..', 'dist', 'index.js');

/** Small seeded PRNG so a failing run can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Runs the child export and SIGKILLs it after `batches` batches plus `delayMs` (mid-transaction, typically). */
function runAndKill(input: string, dbPath: string, batchSize: number, batches: number, delayMs: number): Promise<{ killed: boolean; seen: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child, input, dbPath, String(batchSize)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let killed = false;
    let stderr = '';
    let buf = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith('batch ')) {
          seen = Number(line.split(' ')[2]);
          if (--batches === 0 && !killed) {
            killed = true;
            setTimeout(() => p.kill('SIGKILL'), delayMs);
          }
        }
      }
    });
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ killed: signal === 'SIGKILL', seen });
      else reject(new Error(`child failed (${code}): ${stderr}`));
    });
  });
}

describe('crash safety', () => {
  it('SIGKILL at random points leaves only complete batches, and the next run resumes', async () => {
    expect(existsSync(dist), 'the child runs the built package: build it first (turbo does)').toBe(true);
    const total = 40_000;
    const batchSize = 500;
    const { input, dbPath } = await exportScratch('logsift-kill-', total);
    const random = rng(42);
    const states: number[] = [];
    for (let run = 0; run < 5; run++) {
      const { killed } = await runAndKill(input, dbPath, batchSize, 1 + Math.floor(random() * 10), Math.floor(random() * 40));
      expect(killed).toBe(true);
      const s = inspect(dbPath);
      expect(s.integrity).toBe('ok');
      // only whole batches, a prefix of the input (one entry per line), no duplicates,
      // and the progress marker agrees with the rows
      expect(s.rows % batchSize).toBe(0);
      expect(s.maxLine).toBe(s.rows);
      expect(s.distinct).toBe(s.rows);
      expect(s.marker).toBe(s.rows);
      // resumed, never restarted
      expect(s.rows).toBeGreaterThanOrEqual(states.at(-1) ?? 0);
      states.push(s.rows);
    }
    expect(states.some((n) => n > 0 && n < total)).toBe(true);

    const inv = await open(input);
    const result = await exportToSqlite(inv, dbPath, { batchSize });
    inv.close();
    expect(result.resumed).toBe(states.at(-1));
    expect(result.resumed + result.rows).toBe(total);
    const s = inspect(dbPath);
    expect(s).toEqual({ integrity: 'ok', rows: total, maxLine: total, distinct: total, marker: total });
    const db = new Database(dbPath, { readonly: true });
    expect(db.prepare("SELECT count(*) AS n FROM entries_fts WHERE entries_fts MATCH 'handled'").get()).toEqual({ n: total });
    // The secondary indexes are built after the bulk load: the resumed run ends with all of them.
    const indexes = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name LIKE 'entries\\_%' ESCAPE '\\'").get();
    expect(indexes).toEqual({ n: 8 });
    db.close();
  }, 180_000);
});
