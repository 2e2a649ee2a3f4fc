import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateToFile } from '@logsift/api';
import { Command, InvalidArgumentError, Option } from 'commander';
import { positiveInt } from './int-arg.js';
import { DEFAULT_SEED } from './scales.js';
import { runMarkedChild } from './spawn-process.js';
import type { SizeResult } from './sqlite-sizes-child.js';

const MB = (b: number): string => `${(b / 2 ** 20).toFixed(1)} MB`;

function sizes(v: string): number[] {
  const list = v.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError('a comma-separated list of entry counts');
  return list;
}

function runChild(args: string[]): Promise<SizeResult> {
  return runMarkedChild<SizeResult>(join(dirname(fileURLToPath(import.meta.url)), 'sqlite-sizes-child.js'), args, 'SIZE_RESULT');
}

/** Removes a database with its side files, or a Parquet export directory. */
function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${path}${suffix}`, { recursive: true, force: true });
}

/**
 * `logsift-bench sqlite-sizes`: export rows/s and memory growth of @logsift/sqlite-export at
 * several data sizes (the issue asks for flat memory at 100K, 1M and 5M rows). Each size is
 * generated as JSON lines, exported into a fresh database and streamed back out with
 * db-to-jsonl, each in a fresh child process; RSS, anonymous RSS and the JS heap are reported
 * apart. `--to parquet` measures `exportToParquet` the same way instead (issue #19: ≤ 64 MB
 * of growth at 1M and 5M). Data and outputs are deleted after each size unless `--keep`.
 */
export function sqliteSizesCommand(): Command {
  return new Command('sqlite-sizes')
    .description('Export rows/s and RSS / JS heap growth of exportToSqlite and dbToJsonl at several sizes.')
    .option('--sizes <list>', 'entry counts', sizes, [100_000, 1_000_000, 5_000_000])
    .option('--dir <dir>', 'scratch directory for the data and databases', 'bench-results/sqlite-sizes')
    .option('--out <file>', 'JSON report (default: <dir>/report.json)')
    // At least one: `--runs 0` or `--runs x` would write a report with no results.
    .option('--runs <n>', 'runs per size and operation', positiveInt('--runs', 1), 1)
    .option('--keep', 'keep the generated data and databases', false)
    .addOption(new Option('--to <format>', 'what the export writes').choices(['sqlite', 'parquet']).default('sqlite'))
    .action(async (flags: { sizes: number[]; dir: string; out?: string; runs: number; keep: boolean; to: string }) => {
      const dir = resolve(flags.dir);
      mkdirSync(dir, { recursive: true });
      const results: (SizeResult & { entries: number; run: number })[] = [];
      for (const entries of flags.sizes) {
        const input = join(dir, `json-${entries}.jsonl`);
        if (!existsSync(input)) await generateToFile(input, { entries, format: 'json', seed: DEFAULT_SEED });
        const parquet = flags.to === 'parquet';
        const db = join(dir, parquet ? `export-${entries}-parquet` : `export-${entries}.sqlite`);
        const out = join(dir, `back-${entries}.jsonl`);
        const ops = parquet ? [['parquet', input, db]] : [['export', input, db], ['db-to-jsonl', input, db, out]];
        for (let run = 1; run <= flags.runs; run++) {
          removeDb(db);
          for (const args of ops) {
            const r = { entries, run, ...(await runChild(args)) };
            results.push(r);
            process.stderr.write(
              `${r.op} ${entries}: ${Math.round(r.rowsPerSec)} rows/s (${(r.ms / 1000).toFixed(1)} s, cpu ${(r.cpuMs / 1000).toFixed(1)} s); ` +
                `growth RSS ${MB(r.rssGrowth)} (anon ${MB(r.anonGrowth)}, kernel peak ${MB(r.hwmGrowth)}), JS heap ${MB(r.heapGrowth)}\n`,
            );
          }
          rmSync(out, { force: true });
        }
        if (!flags.keep) {
          removeDb(db);
          rmSync(input, { force: true });
        }
      }
      const report = join(dir, 'report.json');
      writeFileSync(flags.out ?? report, `${JSON.stringify({ createdAt: new Date().toISOString(), results }, null, 2)}\n`);
    });
}
