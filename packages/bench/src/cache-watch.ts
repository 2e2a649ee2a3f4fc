import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { watch } from '@logsift/api';
import { LOADER } from './scenarios/watch.js';

/** Latencies (ms) from appending a matching line to its being seen, and how it was watched. */
export interface WatchLatency {
  via: 'api' | 'cli';
  loadLinesPerSecond: number;
  samples: number[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Appends `samples` lines containing `needle N` to a fresh file while a writer child appends
 * `loadLinesPerSecond` other lines, and times each until the watch yields it: through api
 * `watch()` in this process, or through a spawned `logsift watch --json` (its stdout lines).
 * The first needle is a readiness probe, written until seen, not timed.
 */
export async function watchLatency(via: 'api' | 'cli', cli: string, dir: string, loadLinesPerSecond: number, samples: number): Promise<WatchLatency> {
  const scratch = mkdtempSync(join(dir, 'watch-'));
  const file = join(scratch, 'app.log');
  writeFileSync(file, '');
  const waiters = new Map<number, () => void>();
  const seen = (message: string): void => {
    const k = Number(/needle (\d+)/.exec(message)?.[1]);
    waiters.get(k)?.();
  };
  const ac = new AbortController();
  let child: ChildProcess | undefined;
  let consumer: Promise<void> = Promise.resolve();
  if (via === 'api') {
    const hits = watch(file, { q: 'needle', fromStart: true }, { signal: ac.signal });
    consumer = (async () => {
      try {
        for await (const hit of hits) seen(hit.message);
      } catch {
        // aborted at the end
      }
    })();
  } else {
    child = spawn(process.execPath, [cli, 'watch', file, '-q', 'needle', '--from-start', '--json'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          seen(String((JSON.parse(line) as { message?: string }).message ?? ''));
        } catch {
          // not an entry line
        }
      }
    });
  }
  const loader = loadLinesPerSecond > 0 ? spawn(process.execPath, ['-e', LOADER, file, String(loadLinesPerSecond)], { stdio: 'ignore' }) : undefined;
  const write = (id: number): void => appendFileSync(file, `${new Date().toISOString()} WARN [bench] needle ${id}\n`);
  const until = (id: number): Promise<void> => new Promise((r) => waiters.set(id, r));
  try {
    // Readiness: the watch has started once it prints needle 0 (written until it does).
    const ready = until(0);
    let up = false;
    void ready.then(() => (up = true));
    for (let i = 0; i < 200 && !up; i++) {
      write(0);
      await Promise.race([ready, sleep(100)]);
    }
    if (!up) throw new Error(`logsift watch (${via}) printed nothing within 20 s`);
    const out: number[] = [];
    for (let id = 1; id <= samples; id++) {
      const got = until(id);
      const t = performance.now();
      write(id);
      await got;
      out.push(performance.now() - t);
      waiters.delete(id);
      await sleep(20);
    }
    return { via, loadLinesPerSecond, samples: out };
  } finally {
    loader?.kill();
    child?.kill();
    ac.abort();
    await consumer;
    rmSync(scratch, { recursive: true, force: true });
  }
}
