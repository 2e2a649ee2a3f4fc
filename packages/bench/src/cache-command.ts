import { appendFileSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { clearDiskCache, generate, generateToFile } from '@logsift/api';
import { Command } from 'commander';
import { positiveInt } from './int-arg.js';
import { findCliBin } from './runner.js';
import { DEFAULT_SEED } from './scales.js';
import { watchLatency, type WatchLatency } from './cache-watch.js';
import { runMarkedChild, runProcess, which } from './spawn-process.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;
const p95 = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number;
};

/** One line of the closing table: a figure, its value, the target and whether it is met. */
interface Row {
  figure: string;
  result: string;
  target: string;
  met?: boolean;
}

function table(rows: Row[]): string {
  const cells = rows.map((r) => [r.figure, r.result, r.target, r.met === undefined ? '' : r.met ? 'yes' : 'NO']);
  const head = ['figure', 'result', 'target', 'met'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] as string).length)));
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i] as number)).join(' | ')} |`;
  return [line(head), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

/** Wall time of one spawned command (its exit code must be 0 or 1). */
async function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ ms: number; stdout: string }> {
  const t = performance.now();
  const r = await runProcess(cmd, args, { env });
  const took = performance.now() - t;
  if (r.code !== 0 && r.code !== 1) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).slice(0, 400)}`);
  return { ms: took, stdout: r.stdout };
}

function child<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  return runMarkedChild<T>(join(dirname(fileURLToPath(import.meta.url)), 'cache-child.js'), args, 'CACHE_RESULT', env);
}

function cacheBytes(dir: string): number {
  if (!existsSync(dir)) return 0;
  return readdirSync(dir)
    .filter((n) => n.endsWith('.lsx'))
    .reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

/**
 * `logsift-bench cache`: the persistent index cache's figures in one run (issue 16), as
 * ratios so that the machine's load cancels out: a warm `logsift count` against `logsift
 * --version` (start-up) and `rg -c`; where a warm call's time goes; reopening a cached index
 * in-process (time, anonymous memory per entry); the cache's size on disk per entry; and a
 * call after appending lines against a warm call. Spawned commands are interleaved round by
 * round, so that load affects them alike.
 */
export function cacheCommand(): Command {
  return new Command('cache')
    .description('Persistent index cache: warm CLI call vs start-up and rg, reopen time and memory, size on disk, append.')
    .option('--entries <n>', 'entries in the generated JSON file', positiveInt('--entries', 1), 1_000_000)
    .option('--runs <n>', 'rounds of the spawned commands', positiveInt('--runs', 1), 10)
    .option('--append <n>', 'lines appended per append round', positiveInt('--append', 1), 10_000)
    .option('--query <word>', 'the word counted', 'timeout')
    .option('--big-entries <n>', 'entries of the file for the warm count against rg -c (0: skip)', positiveInt('--big-entries', 0), 10_000_000)
    .option('--watch-samples <n>', 'lines timed per watch latency figure (0: skip)', positiveInt('--watch-samples', 0), 40)
    .option('--dir <dir>', 'scratch directory (data and the cache directory)', 'bench-results/cache')
    .option('--out <file>', 'JSON report (default: <dir>/report.json)')
    .action(async (flags: { entries: number; runs: number; append: number; query: string; bigEntries: number; watchSamples: number; dir: string; out?: string }) => {
      const cli = findCliBin();
      if (!cli) throw new Error('the logsift CLI is not installed beside @logsift/bench');
      const dir = resolve(flags.dir);
      mkdirSync(dir, { recursive: true });
      const cacheDir = join(dir, 'index-cache');
      const env = { ...process.env, LOGSIFT_CACHE_DIR: cacheDir };
      const file = join(dir, `json-${flags.entries}.jsonl`);
      if (!existsSync(file)) await generateToFile(file, { entries: flags.entries, format: 'json', seed: DEFAULT_SEED });
      const log = (s: string): void => void process.stderr.write(`${s}\n`);
      const q = flags.query;
      const countArgs = (f: string, ...more: string[]): string[] => [cli, 'count', f, '-q', q, '--case-sensitive', '--json', ...more];
      clearDiskCache({ dir: cacheDir });

      // Cold (builds and writes the cache), and without the cache.
      const cold = await timed(process.execPath, countArgs(file), env);
      const noCache = await timed(process.execPath, countArgs(file, '--no-cache'), env);
      const total = (JSON.parse(cold.stdout) as { data: { total: number } }).data.total;
      const rg = which('rg');
      const rounds = { version: [] as number[], warm: [] as number[], rg: [] as number[], nodeStart: [] as number[] };
      let rgCount: number | undefined;
      for (let r = 0; r < flags.runs; r++) {
        rounds.nodeStart.push((await timed(process.execPath, ['-e', '0'], env)).ms);
        rounds.version.push((await timed(process.execPath, [cli, '--version'], env)).ms);
        rounds.warm.push((await timed(process.execPath, countArgs(file), env)).ms);
        if (rg) {
          const x = await timed(rg, ['-c', q, file], env);
          rounds.rg.push(x.ms);
          rgCount = Number(x.stdout.trim());
        }
      }
      const warm = median(rounds.warm);
      const version = median(rounds.version);
      log(`count -q ${q} on ${flags.entries} entries: ${total} (rg -c: ${rgCount ?? 'rg not installed'})`);
      log(`cold ${ms(cold.ms)}, --no-cache ${ms(noCache.ms)}, warm ${ms(warm)}, --version ${ms(version)}, node -e 0 ${ms(median(rounds.nodeStart))}${rg ? `, rg -c ${ms(median(rounds.rg))}` : ''}`);
      log(`warm / --version = ${(warm / version).toFixed(2)} (target <= 1.5)${rg ? `, warm / rg -c = ${(warm / median(rounds.rg)).toFixed(2)}` : ''}`);

      // Where the warm call's time goes.
      const parts: Record<string, number>[] = [];
      for (let r = 0; r < Math.min(flags.runs, 5); r++) parts.push(await child<Record<string, number>>(['breakdown', file, cacheDir, q], env));
      const breakdown = Object.fromEntries(['nodeStartMs', 'apiImportMs', 'addonLoadMs', 'openMs', 'queryMs'].map((k) => [k, median(parts.map((p) => p[k] as number))]));
      log(`breakdown (median of ${parts.length}): ${Object.entries(breakdown).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);

      // Reopen in-process, memory.
      const re = await child<{ times: number[]; entries: number; origins: string[]; anonBytes: number; fileBytes: number; jsHeapBytes: number }>(
        ['reopen', file, cacheDir, String(Math.max(5, flags.runs))],
        env,
      );
      const reopenMs = median(re.times);
      const onDisk = cacheBytes(cacheDir);
      log(`reopen in-process: median ${ms(reopenMs)} (target <= 20 ms) [${re.origins[0]}]; anonymous +${(re.anonBytes / re.entries).toFixed(2)} B/entry (target <= 8), file-backed +${(re.fileBytes / re.entries).toFixed(1)} B/entry, JS heap +${(re.jsHeapBytes / re.entries).toFixed(2)} B/entry`);
      log(`cache on disk: ${(onDisk / re.entries).toFixed(1)} B/entry (target <= 64), ${(onDisk / 2 ** 20).toFixed(1)} MB`);

      // Append rounds: a copy grows by --append lines each round; the call after the append
      // against a warm call on the unchanged (cached) file, interleaved so load cancels out.
      // Not against a second call on the grown file: the cache is rewritten only once the new
      // rows reach a fraction of the index, so that call extends again and would hide the cost.
      const grown = join(dir, 'append.jsonl');
      copyFileSync(file, grown);
      await timed(process.execPath, countArgs(grown), env);
      const more = generate({ entries: flags.append, format: 'json', seed: DEFAULT_SEED + 1 });
      const appendRounds: { after: number; again: number; warm: number }[] = [];
      for (let r = 0; r < Math.min(flags.runs, 5); r++) {
        appendFileSync(grown, more);
        const after = await timed(process.execPath, countArgs(grown), env);
        const again = await timed(process.execPath, countArgs(grown), env);
        const w = await timed(process.execPath, countArgs(file), env);
        appendRounds.push({ after: after.ms, again: again.ms, warm: w.ms });
      }
      const extraMs = median(appendRounds.map((a) => a.after - a.warm));
      log(`append ${flags.append} lines then count: +${ms(extraMs)} over a warm call (target <= 30 ms), median of ${appendRounds.length}`);
      // The same in-process: one investigation held open through the appends (api).
      copyFileSync(file, grown);
      await timed(process.execPath, countArgs(grown), env);
      const moreFile = join(dir, 'append-more.jsonl');
      writeFileSync(moreFile, more);
      const inProc = await child<{ rounds: { after: number; warm: number; total: number }[]; cache: string }>(
        ['append', grown, cacheDir, q, moreFile, String(Math.min(flags.runs, 5))],
        env,
      );
      const apiExtraMs = median(inProc.rounds.map((a) => a.after - a.warm));
      log(`api: append ${flags.append} lines then count: +${ms(apiExtraMs)} over a warm call (target <= 30 ms) [${inProc.cache}]`);
      rmSync(grown, { force: true });
      rmSync(moreFile, { force: true });

      // The warm count against rg -c on a larger file (the issue: faster than rg at 10M).
      let big: { entries: number; bytes: number; warm: number; rg?: number; total: number; rgCount?: number } | undefined;
      if (flags.bigEntries > 0) {
        const bigFile = join(dir, `json-${flags.bigEntries}.jsonl`);
        if (!existsSync(bigFile)) await generateToFile(bigFile, { entries: flags.bigEntries, format: 'json', seed: DEFAULT_SEED });
        const first = await timed(process.execPath, countArgs(bigFile), env); // builds its cache when absent
        const bigTotal = (JSON.parse(first.stdout) as { data: { total: number } }).data.total;
        const r = { warm: [] as number[], rg: [] as number[] };
        let bigRg: number | undefined;
        for (let i = 0; i < flags.runs; i++) {
          r.warm.push((await timed(process.execPath, countArgs(bigFile), env)).ms);
          if (rg) {
            const x = await timed(rg, ['-c', q, bigFile], env);
            r.rg.push(x.ms);
            bigRg = Number(x.stdout.trim());
          }
        }
        big = { entries: flags.bigEntries, bytes: statSync(bigFile).size, warm: median(r.warm), total: bigTotal, ...(rg ? { rg: median(r.rg), rgCount: bigRg } : {}) };
        log(`${flags.bigEntries} entries (${(big.bytes / 1e6).toFixed(0)} MB): warm count ${ms(big.warm)} (${bigTotal})${big.rg !== undefined ? `, rg -c ${ms(big.rg)} (${bigRg}), rg / logsift = ${(big.rg / big.warm).toFixed(2)}` : ', rg not installed'}`);
      }

      // Watch latency: a matching line appended → seen, while a writer appends 10K lines/s.
      const watches: WatchLatency[] = [];
      if (flags.watchSamples > 0) {
        for (const via of ['api', 'cli'] as const) {
          const w = await watchLatency(via, cli, dir, 10_000, flags.watchSamples);
          watches.push(w);
          log(`watch (${via}, writer at 10K lines/s): median ${ms(median(w.samples))}, p95 ${ms(p95(w.samples))} (target p95 <= 250 ms)`);
        }
      }

      const report = {
        createdAt: new Date().toISOString(),
        loadavg: loadavg(),
        entries: flags.entries,
        fileBytes: statSync(file).size,
        query: q,
        total,
        rgCount,
        coldMs: cold.ms,
        noCacheMs: noCache.ms,
        medians: { warm, version, nodeStart: median(rounds.nodeStart), ...(rg ? { rg: median(rounds.rg) } : {}) },
        ratios: { warmOverVersion: warm / version, ...(rg ? { warmOverRg: warm / median(rounds.rg) } : {}) },
        rounds,
        breakdown,
        reopen: { ...re, medianMs: reopenMs, anonBytesPerEntry: re.anonBytes / re.entries, fileBytesPerEntry: re.fileBytes / re.entries },
        cacheBytesPerEntry: onDisk / re.entries,
        append: { lines: flags.append, rounds: appendRounds, medianExtraMs: extraMs, api: { ...inProc, medianExtraMs: apiExtraMs } },
        big,
        watch: watches.map((w) => ({ ...w, medianMs: median(w.samples), p95Ms: p95(w.samples) })),
      };
      writeFileSync(flags.out ?? join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

      const rows: Row[] = [
        { figure: `warm count / --version (${flags.entries} entries)`, result: `${warm.toFixed(0)} / ${version.toFixed(0)} ms = ${(warm / version).toFixed(2)}`, target: '<= 1.5', met: warm / version <= 1.5 },
        ...(rg ? [{ figure: `rg -c / warm count (${flags.entries})`, result: `${median(rounds.rg).toFixed(0)} / ${warm.toFixed(0)} ms = ${(median(rounds.rg) / warm).toFixed(2)}`, target: '' }] : []),
        ...(big
          ? [{ figure: `rg -c / warm count (${big.entries})`, result: big.rg !== undefined ? `${big.rg.toFixed(0)} / ${big.warm.toFixed(0)} ms = ${(big.rg / big.warm).toFixed(2)}` : 'rg not installed', target: '> 1 (faster than rg)', ...(big.rg !== undefined ? { met: big.rg > big.warm } : {}) }]
          : []),
        { figure: 'warm call: node start, api, addon, open, query', result: ['nodeStartMs', 'apiImportMs', 'addonLoadMs', 'openMs', 'queryMs'].map((k) => (breakdown[k] as number).toFixed(0)).join(', ') + ' ms', target: '' },
        { figure: 'reopen in-process', result: ms(reopenMs), target: '<= 20 ms', met: reopenMs <= 20 },
        { figure: 'anonymous RSS after reopen', result: `${(re.anonBytes / re.entries).toFixed(2)} B/entry (file-backed ${(re.fileBytes / re.entries).toFixed(1)})`, target: '<= 8 B/entry', met: re.anonBytes / re.entries <= 8 },
        { figure: 'cache on disk', result: `${(onDisk / re.entries).toFixed(1)} B/entry`, target: '<= 64 B/entry', met: onDisk / re.entries <= 64 },
        { figure: `CLI: count after +${flags.append} lines - warm`, result: ms(extraMs), target: '<= 30 ms', met: extraMs <= 30 },
        { figure: `api: count after +${flags.append} lines - warm`, result: ms(apiExtraMs), target: '<= 30 ms', met: apiExtraMs <= 30 },
        ...watches.map((w) => ({ figure: `watch latency p95 (${w.via}, writer 10K lines/s)`, result: `${ms(p95(w.samples))} (median ${ms(median(w.samples))})`, target: '<= 250 ms', met: p95(w.samples) <= 250 })),
        { figure: 'cold call (build + write) / --no-cache', result: `${cold.ms.toFixed(0)} / ${noCache.ms.toFixed(0)} ms`, target: '' },
      ];
      process.stdout.write(`${table(rows)}\nload average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
    });
}
