import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import { positiveInt } from './int-arg.js';
import { renderMarkdown } from './markdown.js';
import { DEFAULT_SETTINGS } from './measure.js';
import { procAvailable } from './memory.js';
import { runBench } from './runner.js';
import { DEFAULT_SEED, isScale, type ScaleName } from './scales.js';
import { selectScenarios } from './scenarios/registry.js';

interface RunFlags {
  scale: ScaleName;
  filter?: string;
  out: string;
  dataDir?: string;
  peers: boolean;
  seed: number;
  runs: number;
  warmup: number;
  time: number;
  peak: boolean;
  budget: number;
  cli?: string;
  gzBytes?: number;
}

/** File-name-safe timestamp. */
function stamp(iso: string): string {
  return iso.replace(/[:.]/g, '-').replace(/Z$/, 'Z');
}

/** `logsift-bench run`: runs the scenarios at one scale and writes JSON and Markdown reports. */
export function runCommand(): Command {
  return new Command('run')
    .description('Run the benchmark scenarios at one scale and write JSON + Markdown reports.')
    .addOption(
      new Option('--scale <scale>', 'small (10K entries), medium (100K) or large (1M)')
        .default('small')
        .argParser((v: string) => {
          if (!isScale(v)) throw new InvalidArgumentError('use small, medium or large');
          return v;
        }),
    )
    .option('--filter <regex>', 'only scenarios whose name matches (e.g. "^search\\.|^peers\\.rg")')
    .option('--out <dir>', 'directory for the reports', 'bench-results')
    .option('--data-dir <dir>', 'generated data cache (default: <out>/data)')
    .option('--peers', 'also run the peer tools (rg, grep, lnav, logler) found on this machine', false)
    .option('--seed <n>', 'generator seed', positiveInt('seed'), DEFAULT_SEED)
    .option('--runs <n>', 'measured runs at least', positiveInt('runs', 1), DEFAULT_SETTINGS.minRuns)
    .option('--warmup <n>', 'warm-up runs discarded first', positiveInt('warmup'), DEFAULT_SETTINGS.warmupRuns)
    .option('--time <ms>', 'keep measuring until this much run time too', positiveInt('time'), DEFAULT_SETTINGS.timeMs)
    .option('--budget <ms>', 'per-scenario time budget: slower scenarios get 1 warm-up and ≥ 5 runs', positiveInt('budget'), 20_000)
    .option('--no-peak', 'skip the per-scenario peak-memory child process')
    .option('--cli <path>', "the logsift CLI's bin.js (default: the installed logsift package)")
    .option('--gz-bytes <n>', 'decompressed size of index.open-gzip-big (default: 16 MiB small, 256 MiB medium, 2 GiB large)', positiveInt('gz-bytes', 1))
    .addHelpText(
      'after',
      `
Examples:
  logsift-bench run                          small scale, logsift only
  logsift-bench run --scale large --peers    1M entries, with rg/grep/lnav/logler beside logsift
  logsift-bench run --filter '^search\\.' --runs 30`,
    )
    .action(async (flags: RunFlags) => {
      const out = resolve(flags.out);
      const scenarios = selectScenarios(flags.filter).filter((s) => flags.peers || s.suite !== 'peers');
      if (scenarios.length === 0) throw new InvalidArgumentError(`no scenario matches --filter ${flags.filter}`);
      if (!procAvailable()) process.stderr.write('warning: /proc/self/smaps_rollup is not available: anonymous/file-backed memory will be NaN\n');
      const report = await runBench({
        scale: flags.scale,
        seed: flags.seed,
        scenarios,
        settings: { warmupRuns: flags.warmup, minRuns: flags.runs, timeMs: flags.time },
        dataDir: resolve(flags.dataDir ?? join(out, 'data')),
        workDir: join(out, 'work'),
        distDir: dirname(fileURLToPath(import.meta.url)),
        isolatedPeak: flags.peak,
        budgetMs: flags.budget,
        ...(flags.cli ? { cliBin: resolve(flags.cli) } : {}),
        ...(flags.gzBytes !== undefined ? { gzBytes: flags.gzBytes } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
      mkdirSync(out, { recursive: true });
      const base = join(out, `bench-${report.scale}-${stamp(report.createdAt)}`);
      writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(`${base}.md`, renderMarkdown(report));
      copyFileSync(`${base}.json`, join(out, `latest-${report.scale}.json`));
      copyFileSync(`${base}.md`, join(out, `latest-${report.scale}.md`));
      const counts = { ok: 0, skipped: 0, error: 0 };
      for (const s of report.scenarios) counts[s.status] += 1;
      process.stderr.write(
        `\n${counts.ok} measured, ${counts.skipped} skipped, ${counts.error} failed in ${(report.durationMs / 1000).toFixed(0)} s\nreports: ${base}.json\n         ${base}.md\n`,
      );
      if (counts.error > 0) process.exitCode = 1;
    });
}
