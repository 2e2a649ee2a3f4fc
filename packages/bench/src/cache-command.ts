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
import { runMarkedChild, runProcess, which } from './spawn-process.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

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
    .option('--dir <dir>', 'scratch directory (data and the cache directory)', 'bench-results/cache')
    .option('--out <file>', 'JSON report (default: <dir>/report.json)')
    .action(async (flags: { entries: number; runs: number; append: number; query: string; dir: string; out?: string }) => {
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
      // against a warm call on the same (now cached) file.
      const grown = join(dir, 'append.jsonl');
      copyFileSync(file, grown);
      await timed(process.execPath, countArgs(grown), env);
      const more = generate({ entries: flags.append, format: 'json', seed: DEFAULT_SEED + 1 });
      const appendRounds: { after: number; warm: number }[] = [];
      for (let r = 0; r < Math.min(flags.runs, 5); r++) {
        appendFileSync(grown, more);
        const after = await timed(process.execPath, countArgs(grown), env);
        const w = await timed(process.execPath, countArgs(grown), env);
        appendRounds.push({ after: after.ms, warm: w.ms });
      }
      const extraMs = median(appendRounds.map((a) => a.after - a.warm));
      log(`append ${flags.append} lines then count: +${ms(extraMs)} over a warm call (target <= 30 ms), median of ${appendRounds.length}`);
      rmSync(grown, { force: true });

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
        append: { lines: flags.append, rounds: appendRounds, medianExtraMs: extraMs },
      };
      writeFileSync(flags.out ?? join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
    });
}
