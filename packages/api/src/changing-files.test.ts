import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, ftruncateSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from './index.js';

const fixture = join(import.meta.dirname, 'changing-files.fixture.mjs');

/** Small seeded PRNG so a failing run can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a file changing under running operations', () => {
  // The case: count({regex}), templates() and search() (and every other op) run
  // together while another process truncates the file: that used to kill Node with SIGBUS.
  it('never kills the process: each answer is complete or SOURCE_CHANGED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'logsift-churn-'));
    const file = join(dir, 'app.jsonl');
    const stop = join(dir, 'stop');
    const streams = [0, 1, 2, 3].map((k) => Buffer.from(generate({ entries: 20_000, seed: 500 + k })));
    let data = streams[0]!;
    let len = data.length;
    writeFileSync(file, data);

    const child = spawn(process.execPath, [fixture, file, stop], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );

    const random = rng(Number(process.env['LOGSIFT_CHURN_SEED'] ?? 7));
    const fd = openSync(file, 'r+');
    for (let i = 0; i < 100; i += 1) {
      await sleep(5 + random() * 40);
      const what = random();
      if (what < 0.4) {
        len = Math.floor(random() * len);
        ftruncateSync(fd, len);
      } else if (what < 0.7) {
        const n = Math.min(data.length - len, 1 + Math.floor(random() * 65536));
        writeSync(fd, data, len, n, len);
        len += n;
      } else {
        data = streams[(i % 3) + 1]!;
        ftruncateSync(fd, 0);
        len = Math.floor((data.length * (1 + random())) / 2);
        writeSync(fd, data, 0, len, 0);
      }
    }
    closeSync(fd);
    writeFileSync(stop, '');
    const { code, signal } = await exited;
    rmSync(dir, { recursive: true, force: true });

    expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: '' });
    const lines = out.trim().split('\n');
    expect(lines.at(-1)).toBe('done');
    const answers = lines.slice(0, -1);
    // Only typed SOURCE_CHANGED (or NO_INPUT: the file was empty when opened) may fail, and
    // UNKNOWN_ID for the ops given an id read by an earlier call: an investigation re-checks
    // its files at each call, so after a rewrite it answers about the new content, where
    // that id may be gone.
    const failures = answers.filter(
      (l) => l.startsWith('error ') && !/^error (SOURCE_CHANGED|NO_INPUT) /.test(l) && !/^error UNKNOWN_ID (follow|hierarchy|timeline)$/.test(l),
    );
    expect(failures).toEqual([]);
    expect(answers.some((l) => l.startsWith('ok '))).toBe(true);
    expect(answers.some((l) => l.startsWith('error SOURCE_CHANGED'))).toBe(true);
  }, 60_000);
});
