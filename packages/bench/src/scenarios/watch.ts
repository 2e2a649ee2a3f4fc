import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SearchHit, WatchControl, WatchOptions } from '@logsift/api';
import { apiFunction } from '../api-surface.js';
import { prepared, type Scenario } from '../scenario.js';

type WatchFn = (sources: string, options: WatchOptions, control: WatchControl) => AsyncGenerator<SearchHit, void, undefined>;

/** A child appending non-matching lines to a file at a steady rate (the load a watch keeps up with). */
export const LOADER = `
const fs = require('node:fs');
const [file, rate] = [process.argv[1], Number(process.argv[2])];
const fd = fs.openSync(file, 'a');
const start = Date.now();
let n = 0;
setInterval(() => {
  const due = Math.floor(((Date.now() - start) / 1000) * rate) - n;
  let out = '';
  for (let i = 0; i < due; i++, n++) out += new Date().toISOString() + ' INFO [load] filler line ' + n + ' with some words\\n';
  if (out) fs.writeSync(fd, out);
}, 5);
`;

/**
 * The time from appending a matching line to the file to the watch's iterator yielding it.
 * Idle: nothing follows the line, so it is complete after the settle period (100 ms, a
 * multi-line record's continuation may still come). Loaded: a writer child appends 10K
 * non-matching lines/s meanwhile, so the next record follows at once.
 */
function latency(name: string, title: string, loadLinesPerSecond: number): Scenario {
  return {
    name,
    suite: 'watch',
    title,
    target: 'p95 ≤ 250 ms',
    setup: async (ctx) => {
      const watch = apiFunction<WatchFn>('watch');
      const dir = mkdtempSync(join(ctx.workDir, 'watch-'));
      const file = join(dir, 'app.log');
      writeFileSync(file, '');
      const ac = new AbortController();
      const waiters = new Map<number, () => void>();
      // From the start of the (empty) file: no line can fall before the watch is ready.
      const hits = watch(file, { q: 'needle', fromStart: true }, { signal: ac.signal });
      const consumer = (async () => {
        try {
          for await (const hit of hits) {
            const k = Number(/needle (\d+)/.exec(hit.message)?.[1]);
            waiters.get(k)?.();
          }
        } catch {
          // cancelled at teardown
        }
      })();
      const loader: ChildProcess | undefined =
        loadLinesPerSecond > 0 ? spawn(process.execPath, ['-e', LOADER, file, String(loadLinesPerSecond)], { stdio: 'ignore' }) : undefined;
      let k = 0;
      const once = async (): Promise<number> => {
        const id = ++k;
        const seen = new Promise<void>((resolve) => waiters.set(id, resolve));
        appendFileSync(file, `${new Date().toISOString()} WARN [bench] needle ${id}\n`);
        await seen;
        waiters.delete(id);
        return id;
      };
      return prepared<number>({
        run: once,
        inputs: { query: 'needle', loadLinesPerSecond, settleMs: 100 },
        teardown: async () => {
          loader?.kill();
          ac.abort();
          await consumer;
          rmSync(dir, { recursive: true, force: true });
        },
      });
    },
  };
}

export const watchScenarios: Scenario[] = [
  latency('watch.latency-idle', 'watch: a matching line appended → yielded (idle file: waits the 100 ms settle period)', 0),
  latency('watch.latency-loaded', 'watch: a matching line appended → yielded, while a writer appends 10K lines/s', 10_000),
];
