import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError, open, tail, UsageError, watch, type SearchHit, type WatchOptions } from './index.js';

const root = mkdtempSync(join(tmpdir(), 'logsift-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const writer = new URL('./watch-writer.mjs', import.meta.url).pathname;

/** Runs the writer child process; resolves to the number of lines it wrote. */
function runWriter(mode: string, target: string, seconds: number, rate: number): Promise<{ lines: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, mode, target, String(seconds), String(rate)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as { lines: number; seconds: number }) : reject(new Error(`writer exited ${code}`))));
  });
}

/** Consumes a watch until aborted, keeping each hit's file and sequence number. */
async function consume(source: string, options: WatchOptions, signal: AbortSignal, seen: { file: string; seq: number }[]): Promise<void> {
  try {
    for await (const hit of watch(source, { fromStart: true, ...options }, { signal })) {
      const m = /seq=(\d+)/.exec(hit.raw);
      if (m) seen.push({ file: hit.file, seq: Number(m[1]) });
    }
  } catch (error) {
    if (!CancelledError.isInstance(error)) throw error;
  }
}

const until = async (done: () => boolean, ms: number): Promise<void> => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
};

describe('watch', () => {
  it('follows rename rotation, copytruncate and new files (polling) under a 10K lines/s writer: each line once, in order per file', async () => {
    const rename = join(root, 'rename');
    const copy = join(root, 'copy');
    const dir = join(root, 'dir');
    for (const d of [rename, copy, dir]) mkdirSync(d);
    writeFileSync(join(rename, 'app.log'), '');
    writeFileSync(join(copy, 'app.log'), '');
    const cases = [
      { mode: 'rename', source: join(rename, 'app.log'), target: join(rename, 'app.log'), options: {} },
      { mode: 'copytruncate', source: join(copy, 'app.log'), target: join(copy, 'app.log'), options: {} },
      // The polling fallback (no inotify) keeps up too.
      { mode: 'newfiles', source: dir, target: dir, options: { polling: true } },
    ];
    const ac = new AbortController();
    const seen = cases.map(() => [] as { file: string; seq: number }[]);
    const consumers = cases.map((c, i) => consume(c.source, c.options, ac.signal, seen[i]!));
    // The watches start at the files' start (fromStart), so no line is missed while they open.
    const written = await Promise.all(cases.map((c) => runWriter(c.mode, c.target, 10, 10_000)));
    await until(() => seen.every((s, i) => s.length >= written[i]!.lines), 5000);
    // A moment more: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    await Promise.all(consumers);
    for (const [i, c] of cases.entries()) {
      const { lines, seconds } = written[i]!;
      expect(lines / seconds, `${c.mode}: writer rate`).toBeGreaterThanOrEqual(9_000);
      expect(lines).toBeGreaterThanOrEqual(100_000);
      const got = seen[i]!;
      const byFile = new Map<string, number[]>();
      for (const s of got) {
        const list = byFile.get(s.file) ?? [];
        list.push(s.seq);
        byFile.set(s.file, list);
      }
      for (const [file, seqs] of byFile) {
        // In order per file: every file's numbers increase by exactly one.
        const gaps = seqs.filter((s, k) => k > 0 && s !== seqs[k - 1]! + 1).length;
        expect(gaps, `${c.mode} ${basename(file)} out of order`).toBe(0);
      }
      if (c.mode !== 'newfiles') expect([...byFile.keys()]).toEqual([c.source]);
      else expect(byFile.size).toBeGreaterThanOrEqual(10);
      const all = got.map((s) => s.seq).sort((a, b) => a - b);
      // Exactly once: every line written is seen, none twice.
      expect(all.length, `${c.mode}: lines seen`).toBe(lines);
      expect(all.every((s, k) => s === k), `${c.mode}: a line missing or seen twice`).toBe(true);
    }
  }, 30_000);

  it('starts at the end, filters with the query, and is cancelled by the signal', async () => {
    const file = join(root, 'query.log');
    writeFileSync(file, '2024-05-01T00:00:00Z ERROR [m] old failure\n');
    const inv = await open(file);
    const ac = new AbortController();
    const hits: SearchHit[] = [];
    const run = (async () => {
      try {
        for await (const hit of inv.watch({ q: 'level>=error', settleMs: 20 }, { signal: ac.signal })) {
          hits.push(hit);
          if (hits.length === 2) ac.abort();
        }
      } catch (error) {
        if (!CancelledError.isInstance(error)) throw error;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    appendFileSync(file, '2024-05-01T00:00:01Z INFO [m] fine\n2024-05-01T00:00:02Z ERROR [m] new failure\n');
    appendFileSync(file, '2024-05-01T00:00:03Z FATAL [m] worse\n');
    await run;
    expect(hits.map((h) => [h.message, h.line, h.level])).toEqual([
      ['new failure', 3, 'ERROR'],
      ['worse', 4, 'FATAL'],
    ]);
    expect(hits[0]!.offset).toBe(Buffer.byteLength('2024-05-01T00:00:00Z ERROR [m] old failure\n2024-05-01T00:00:01Z INFO [m] fine\n'));
  });

  it('tail returns what is new since a cursor', async () => {
    const file = join(root, 'tail.log');
    writeFileSync(file, '2024-05-01T00:00:00Z INFO [m] one\n');
    const first = await tail(file);
    expect(first.entries).toEqual([]);
    appendFileSync(file, '2024-05-01T00:00:01Z INFO [m] two\n2024-05-01T00:00:02Z INFO [m] thr');
    const second = await tail(file, { cursor: first.cursor });
    expect(second.entries.map((e) => e.message)).toEqual(['two']);
    appendFileSync(file, 'ee\n');
    const third = await tail(file, { cursor: second.cursor, q: 'three' });
    expect(third.entries.map((e) => [e.message, e.line])).toEqual([['three', 3]]);
    expect(third.more).toBe(false);
    await expect(tail(file, { cursor: 'nonsense' })).rejects.toSatisfy(UsageError.isInstance);
    await expect(tail(file, { fromStart: true, last: '5m' })).rejects.toSatisfy(UsageError.isInstance);
  });

  it('rejects bad input with typed errors', async () => {
    const gen = watch(join(root, 'missing.log'));
    await expect(gen.next()).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(watch('-').next()).rejects.toSatisfy(UsageError.isInstance);
  });
});
