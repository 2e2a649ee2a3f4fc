import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateToFile, open, type Investigation } from '@logsift/api';
import { Command } from 'commander';
import { positiveInt } from './int-arg.js';
import { machineInfo } from './machine.js';
import { findCliBin } from './runner.js';
import { DEFAULT_SEED } from './scales.js';
import { peerTool } from './scenarios/peers.js';
import { runProcess } from './spawn-process.js';
import { percentile } from './stats.js';

/** What a question is asked with: the generated data's ground truth picks the ids. */
interface Params {
  file: string;
  request: string;
  trace: string;
  word: string;
}

/** One of the eight questions of issue #17, asked of each tool the way its user would. */
interface Question {
  name: string;
  /** logsift CLI invocations (several: their bytes and times add up). */
  logsift: (p: Params) => string[][];
  api: (inv: Investigation, p: Params) => Promise<unknown>;
  /** logler CLI invocations, or why logler cannot answer. */
  logler: ((p: Params) => string[][]) | { cannot: string };
  /** How logler's answer differs from the question, when it does. */
  loglerNote?: string;
}

export const QUESTIONS: Question[] = [
  {
    name: 'errors per service',
    logsift: (p) => [['count', p.file, '--level', 'error', '--aggregate', 'service']],
    api: (inv) => inv.count({ level: 'error', aggregate: ['service'] }),
    // logler's SQL table has no service column; its raw JSON has.
    logler: (p) => [['llm', 'sql', "SELECT json_extract_string(raw,'$.service') AS service, COUNT(*) AS errors FROM logs WHERE level='ERROR' GROUP BY 1 ORDER BY 2 DESC", '-f', p.file]],
    loglerNote: 'through DuckDB SQL over its raw column (no service column)',
  },
  {
    name: 'newest errors with a word',
    logsift: (p) => [['search', p.file, '--level', 'error', '-q', p.word, '--tail', '20']],
    api: (inv, p) => inv.search({ level: 'error', q: p.word, tail: 20 }),
    logler: (p) => [['llm', 'search', p.file, '--level', 'ERROR', '--query', p.word, '--tail', '20']],
  },
  {
    name: 'one request across services',
    logsift: (p) => [['follow', p.file, '--id', p.request]],
    api: (inv, p) => inv.follow(p.request),
    logler: (p) => [['llm', 'correlate', p.request, '--files', p.file]],
  },
  {
    name: "a trace's hierarchy and bottleneck",
    logsift: (p) => [
      ['hierarchy', p.file, '--id', p.trace],
      ['bottlenecks', p.file, '--id', p.trace],
    ],
    api: async (inv, p) => [await inv.hierarchy(p.trace), await inv.bottlenecks(p.trace)],
    logler: (p) => [
      ['llm', 'hierarchy', p.trace, '--files', p.file],
      ['llm', 'bottleneck', p.trace, '--files', p.file],
    ],
  },
  {
    name: 'error origin',
    logsift: (p) => [['error-flow', p.file]],
    api: (inv) => inv.errorFlow(),
    logler: { cannot: 'no command names where errors started (triage gives a severity and level counts)' },
  },
  {
    name: 'top error templates',
    logsift: (p) => [['templates', p.file, '--errors-only', '-n', '10']],
    api: (inv) => inv.templates({ errorsOnly: true, limit: 10 }),
    logler: (p) => [['llm', 'templates', p.file, '--max-clusters', '10']],
    loglerNote: 'all levels: its templates command takes no level filter',
  },
  {
    name: 'a sample',
    logsift: (p) => [['sample', p.file, '--strategy', 'diverse', '-n', '50']],
    api: (inv) => inv.sample({ strategy: 'diverse', size: 50 }),
    logler: (p) => [['llm', 'sample', p.file, '--strategy', 'diverse', '--size', '50']],
  },
  {
    name: 'p95 of a duration per minute',
    logsift: (p) => [['metrics', p.file, '--field', 'duration_ms', '--bucket-ms', '60000']],
    api: (inv) => inv.metrics({ fields: ['duration_ms'], bucketMs: 60_000 }),
    logler: (p) => [['llm', 'metrics', p.file, '--fields', 'duration_ms', '--bucket', '1m']],
  },
];

interface Sample {
  ms: number;
  bytes: number;
  exit: number | null;
}

async function runAll(bin: string, argvs: string[][], env: NodeJS.ProcessEnv, pre: string[] = []): Promise<Sample> {
  let ms = 0;
  let bytes = 0;
  let exit: number | null = 0;
  for (const argv of argvs) {
    const t = performance.now();
    const r = await runProcess(bin, [...pre, ...argv], { keepBytes: 4096, env });
    ms += performance.now() - t;
    bytes += r.stdoutBytes;
    // 0 found, 1 nothing found: any other exit is a failure to answer.
    if (r.code !== 0 && r.code !== 1) {
      exit = r.code;
      process.stderr.write(`  ${argv.slice(0, 2).join(' ')} exited ${r.code}: ${r.stderr.slice(0, 300)}\n`);
    }
  }
  return { ms, bytes, exit };
}

const median = (xs: number[]): number => percentile([...xs].sort((a, b) => a - b), 50);

interface Row {
  question: string;
  logsiftCli: { ms: number; bytes: number };
  logsiftCliNoCache: { ms: number; bytes: number };
  logsiftApi: { ms: number; bytes: number };
  logler: { ms: number; bytes: number; failed?: boolean } | { cannot: string };
  loglerNote?: string;
  /** logler CLI time / logsift CLI time (cache on, as a user runs it). */
  ratio?: number;
}

/**
 * `logsift-bench versus-logler`: the eight questions of issue #17 asked of logsift (CLI with
 * its index cache, CLI with --no-cache, api in-process) and of logler (its `llm` CLI) on one
 * generated JSON-lines file; per question the median wall time and answer bytes of `--runs`
 * runs, and the ratio. Never part of `npm test`: logler is a Python package installed apart.
 */
export function versusLoglerCommand(): Command {
  return new Command('versus-logler')
    .description('The eight on-call questions of issue #17, logsift against logler 1.3.2 on the same generated file.')
    .option('--entries <n>', 'entries generated', positiveInt('--entries', 1), 100_000)
    .option('--runs <n>', 'runs per question and tool (median reported)', positiveInt('--runs', 1), 3)
    .option('--dir <dir>', 'scratch directory', 'bench-results/versus-logler')
    .option('--out <file>', 'JSON report (default: <dir>/report.json)')
    .option('--cli <path>', 'the logsift CLI script (default: the installed logsift package)')
    .action(async (flags: { entries: number; runs: number; dir: string; out?: string; cli?: string }) => {
      const logler = peerTool('logler');
      if (!logler.bin) throw new Error(`${logler.missing ?? 'logler is not installed'}; pip install logler==1.3.2`);
      const cli = flags.cli ? resolve(flags.cli) : findCliBin();
      if (!cli) throw new Error('the logsift CLI is not installed (build packages/cli, or pass --cli)');
      const dir = resolve(flags.dir);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `gen-${flags.entries}.jsonl`);
      const gen = await generateToFile(file, { entries: flags.entries, format: 'json', seed: DEFAULT_SEED });
      const cacheDir = join(dir, 'cache');
      rmSync(cacheDir, { recursive: true, force: true });
      const env = { ...process.env, LOGSIFT_CACHE_DIR: cacheDir };
      // The incident's first failed request, and its trace: ids the generator knows are there.
      const probe = await open(file, { cache: false });
      const request = gen.incident?.requestIds[0] ?? '';
      const followed = await probe.follow(request, { limit: 1 });
      const trace = followed.entries[0]?.trace ?? '';
      await probe.close();
      const params: Params = { file, request, trace, word: 'pool' };
      process.stderr.write(`data: ${file} (${gen.entries} entries, ${gen.bytes} bytes); request ${request}, trace ${trace}\n`);
      // One warm call fills logsift's index cache, as a second question of a user would find it.
      await runProcess(process.execPath, [cli, 'stats', file], { env, keepBytes: 0 });

      const apiStart = performance.now();
      const inv = await open(file, { cache: false });
      const apiOpenMs = performance.now() - apiStart;
      const rows: Row[] = [];
      for (const q of QUESTIONS) {
        const s: Record<'cli' | 'noCache' | 'api' | 'logler', Sample[]> = { cli: [], noCache: [], api: [], logler: [] };
        for (let run = 0; run < flags.runs; run++) {
          // Back to back on the same file, so a load spike hits both tools alike.
          s.cli.push(await runAll(process.execPath, q.logsift(params), env, [cli]));
          s.noCache.push(await runAll(process.execPath, q.logsift(params).map((a) => [...a, '--no-cache']), env, [cli]));
          const t = performance.now();
          const answer = await q.api(inv, params);
          s.api.push({ ms: performance.now() - t, bytes: Buffer.byteLength(JSON.stringify(answer)), exit: 0 });
          if (typeof q.logler === 'function') s.logler.push(await runAll(logler.bin, q.logler(params), process.env));
        }
        const pick = (xs: Sample[]) => ({ ms: Math.round(median(xs.map((x) => x.ms))), bytes: median(xs.map((x) => x.bytes)) });
        const cliMs = pick(s.cli);
        const row: Row = {
          question: q.name,
          logsiftCli: cliMs,
          logsiftCliNoCache: pick(s.noCache),
          logsiftApi: pick(s.api),
          logler: typeof q.logler === 'function' ? { ...pick(s.logler), ...(s.logler.some((x) => x.exit !== 0) ? { failed: true } : {}) } : q.logler,
          ...(q.loglerNote ? { loglerNote: q.loglerNote } : {}),
        };
        if ('ms' in row.logler && !row.logler.failed) row.ratio = Math.round((row.logler.ms / Math.max(1, cliMs.ms)) * 10) / 10;
        rows.push(row);
        process.stderr.write(`${q.name}: logsift ${cliMs.ms} ms ${cliMs.bytes} B; logler ${'ms' in row.logler ? `${row.logler.ms} ms ${row.logler.bytes} B` : 'cannot'}\n`);
      }
      await inv.close();
      const report = {
        createdAt: new Date().toISOString(),
        machine: { ...machineInfo(), note: 'shared machine: other builds and a nice -n 19 fuzz run may load it' },
        logler: logler.version,
        data: { file, entries: gen.entries, bytes: gen.bytes, seed: DEFAULT_SEED, format: 'json' },
        params: { request, trace, word: params.word },
        runs: flags.runs,
        apiOpenMs: Math.round(apiOpenMs),
        rows,
      };
      writeFileSync(flags.out ?? join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      process.stdout.write(`${markdownTable(rows)}\n`);
    });
}

/** The report's rows as a Markdown table (times are medians, bytes of stdout / of the api result's JSON). */
export function markdownTable(rows: Row[]): string {
  const cell = (x: { ms: number; bytes: number }) => `${x.ms} ms / ${x.bytes} B`;
  const out = [
    '| question | logsift CLI | logsift CLI --no-cache | logsift api | logler CLI | logler ÷ logsift (time) |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const l = 'cannot' in r.logler ? `cannot: ${r.logler.cannot}` : `${cell(r.logler)}${r.logler.failed ? ' (failed)' : ''}${r.loglerNote ? ` (${r.loglerNote})` : ''}`;
    out.push(`| ${r.question} | ${cell(r.logsiftCli)} | ${cell(r.logsiftCliNoCache)} | ${cell(r.logsiftApi)} | ${l} | ${r.ratio ?? '-'} |`);
  }
  return out.join('\n');
}
