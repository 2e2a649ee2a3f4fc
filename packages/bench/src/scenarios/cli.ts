import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Unavailable } from '../api-surface.js';
import type { DataFormat } from '../data-cache.js';
import type { Probes } from '../probes.js';
import { prepared, SkipScenario, type Scenario, type ScenarioContext, type Suite } from '../scenario.js';
import { runProcess, type ProcessResult } from '../spawn-process.js';

const helpCache = new Map<string, string | null>();

/** `logsift [command] --help` text, or null when it fails. */
function help(cliBin: string, command: string | undefined): string | null {
  const key = `${cliBin}\0${command ?? ''}`;
  if (!helpCache.has(key)) {
    const r = spawnSync(process.execPath, [cliBin, ...(command ? [command] : []), '--help'], { encoding: 'utf8', timeout: 30_000 });
    helpCache.set(key, r.status === 0 ? `${r.stdout}${r.stderr}` : null);
  }
  return helpCache.get(key) ?? null;
}

/** True when `text` (help output) lists `flag` as an option. */
export function listsFlag(text: string, flag: string): boolean {
  return new RegExp(`(^|[\\s,])${flag.replace(/[-]/g, '\\-')}(?![\\w-])`, 'm').test(text);
}

/**
 * Checks the CLI has the command (its own help, not the program's, answers `--help`) and
 * every `--flag` used (on the command or the program), so what a version lacks is skipped.
 */
export function requireCli(ctx: ScenarioContext, command: string, args: readonly string[]): string {
  if (!ctx.cliBin) throw new Unavailable('the logsift CLI is not installed');
  const text = help(ctx.cliBin, command);
  if (text === null || !new RegExp(`^Usage: \\S+ ${command}\\b`, 'm').test(text)) throw new Unavailable(`logsift ${command}`);
  const global = help(ctx.cliBin, undefined) ?? '';
  for (const a of args) {
    const flag = /^--[\w-]+/.exec(a)?.[0];
    if (flag && !listsFlag(text, flag) && !listsFlag(global, flag)) throw new Unavailable(`logsift ${command} ${flag}`);
  }
  return ctx.cliBin;
}

/** The envelope's summary and size, from the first run. */
function describeRun(r: ProcessResult): Record<string, unknown> {
  const out: Record<string, unknown> = { exitCode: r.code, stdoutBytes: r.stdoutBytes };
  try {
    const env = JSON.parse(r.stdout) as { ok?: boolean; summary?: unknown; truncated?: unknown; error?: unknown };
    Object.assign(out, { ok: env.ok, summary: env.summary, truncated: env.truncated, error: env.error });
  } catch {
    // not a single JSON document (text or JSON lines output)
  }
  return out;
}

interface CliSpec {
  name: string;
  suite: Suite;
  title: string;
  target?: string;
  command: string;
  /** Data file the command reads, used for throughput. */
  format?: DataFormat;
  /** Arguments after the command; `FILE` is replaced by the data file's path. */
  args: (p: Probes, ctx: ScenarioContext) => string[];
  /** Exit codes that mean the command worked (0 found, 1 nothing found). */
  okCodes?: number[];
  cleanup?: (ctx: ScenarioContext) => void;
}

function term17(p: Probes): string {
  if (!p.term17) throw new SkipScenario('no word matching ~17% found in the generated data');
  return p.term17.term;
}

function cli(spec: CliSpec): Scenario {
  return {
    name: spec.name,
    suite: spec.suite,
    title: spec.title,
    ...(spec.target ? { target: spec.target } : {}),
    setup: async (ctx) => {
      const file = spec.format ? ctx.data.files[spec.format] : undefined;
      const args = spec.args(ctx.probes, ctx).map((a) => (a === 'FILE' && file ? file.path : a));
      const bin = requireCli(ctx, spec.command, args);
      const argv = [bin, spec.command, ...args];
      const ok = spec.okCodes ?? [0, 1];
      return prepared<ProcessResult>({
        run: async () => {
          const r = await runProcess(process.execPath, argv, { keepBytes: 1 << 16 });
          if (r.code === null || !ok.includes(r.code)) {
            throw new Error(`logsift ${spec.command} exited ${r.code}: ${(r.stderr || r.stdout).slice(0, 300)}`);
          }
          return r;
        },
        ...(spec.cleanup ? { release: () => spec.cleanup?.(ctx) } : {}),
        spawned: { cmd: process.execPath, args: argv },
        inputs: { argv: ['logsift', spec.command, ...args] },
        describe: describeRun,
        // Throughput means nothing for the 1 KB startup file.
        ...(file && spec.format !== 'tiny' ? { units: { entries: file.entries, bytes: file.bytes } } : {}),
      });
    },
  };
}

const exportOut = (ctx: ScenarioContext): string => join(ctx.workDir, `cli-export-${process.pid}.sqlite`);

export const cliScenarios: Scenario[] = [
  cli({
    name: 'cli.stats-1kb',
    suite: 'cli',
    title: 'logsift stats on a 1 KB file (startup overhead)',
    target: '< 200 ms',
    command: 'stats',
    format: 'tiny',
    args: () => ['FILE', '--json'],
  }),
  cli({ name: 'cli.stats-json', suite: 'cli', title: 'logsift stats on the JSON file (process + index + output)', command: 'stats', format: 'json', args: () => ['FILE', '--json'] }),
  cli({ name: 'cli.stats-text', suite: 'cli', title: 'logsift stats on the plain-text file', command: 'stats', format: 'text', args: () => ['FILE', '--json'] }),
  cli({
    name: 'cli.count-17pct',
    suite: 'cli',
    title: 'logsift count of a word matching ~17% (JSON file, end to end, case-sensitive like rg)',
    command: 'count',
    format: 'json',
    args: (p) => ['FILE', '--query', term17(p), '--case-sensitive', '--json'],
  }),
  cli({
    name: 'cli.count-17pct-text',
    suite: 'cli',
    title: 'logsift count of a word matching ~17% (plain-text file, end to end, case-sensitive)',
    command: 'count',
    format: 'text',
    args: (p) => ['FILE', '--query', term17(p), '--case-sensitive', '--json'],
  }),
  cli({
    name: 'cli.follow-request',
    suite: 'cli',
    title: 'logsift follow --id --kind request (the busiest request)',
    command: 'follow',
    format: 'json',
    args: (p) => {
      if (!p.request) throw new SkipScenario('no request id found in the generated data');
      return ['FILE', '--id', p.request, '--kind', 'request', '--json'];
    },
  }),
  cli({
    name: 'cli.hierarchy-trace',
    suite: 'cli',
    title: 'logsift hierarchy --id --kind trace (the busiest trace)',
    command: 'hierarchy',
    format: 'json',
    args: (p) => {
      if (!p.trace) throw new SkipScenario('no trace id found in the generated data');
      return ['FILE', '--id', p.trace, '--kind', 'trace', '--json'];
    },
  }),
  cli({
    name: 'cli.sample-diverse',
    suite: 'cli',
    title: 'logsift sample --strategy diverse --size 50',
    command: 'sample',
    format: 'json',
    args: () => ['FILE', '--strategy', 'diverse', '--size', '50', '--json'],
  }),
  cli({
    name: 'cli.export-sqlite',
    suite: 'cli',
    title: 'logsift export the JSON file to SQLite',
    command: 'export',
    format: 'json',
    args: (_p, ctx) => ['FILE', '--out', exportOut(ctx), '--json'],
    cleanup: (ctx) => {
      for (const s of ['', '-wal', '-shm']) rmSync(`${exportOut(ctx)}${s}`, { force: true });
    },
  }),
  // Output formats and --max-bytes: the same broad search rendered each way.
  ...(
    [
      ['json', ['--json']],
      ['pretty', ['--json', '--pretty']],
      ['text', ['--text']],
      ['compact', ['--json', '--compact']],
      ['max-bytes-4k', ['--json', '--max-bytes', '4096']],
      ['max-bytes-16k', ['--json', '--max-bytes', '16384']],
    ] as const
  ).map(([label, flags]) =>
    cli({
      name: `output.search-${label}`,
      suite: 'output',
      title: `logsift search, word ~17%, limit 1000, output ${flags.join(' ')}`,
      command: 'search',
      format: 'json',
      args: (p) => ['FILE', '--query', term17(p), '--limit', '1000', ...flags],
    }),
  ),
  cli({
    name: 'output.emit-17pct',
    suite: 'output',
    title: 'logsift emit every record matching a word ~17% (JSON lines, streamed)',
    command: 'emit',
    format: 'json',
    args: (p) => ['FILE', '--query', term17(p)],
  }),
];
