import { spawnSync } from 'node:child_process';
import type { DataFormat } from '../data-cache.js';
import type { Probes } from '../probes.js';
import { prepared, SkipScenario, type Scenario } from '../scenario.js';
import { runProcess, versionOf, which, type ProcessResult } from '../spawn-process.js';

/** A peer tool: found on PATH (or, for logler, importable) and its version, or why not. */
export interface PeerTool {
  name: string;
  bin: string | undefined;
  version: string | undefined;
  missing?: string;
}

const tools = new Map<string, PeerTool>();

function python(): string | undefined {
  return which('python3') ?? which('python');
}

/** Finds a peer once per process. logler needs both its module and its CLI. */
export function peerTool(name: 'rg' | 'grep' | 'lnav' | 'logler'): PeerTool {
  const cached = tools.get(name);
  if (cached) return cached;
  let tool: PeerTool;
  const bin = which(name);
  if (!bin) {
    tool = { name, bin: undefined, version: undefined, missing: `${name} is not installed (not on PATH)` };
  } else if (name === 'logler') {
    const py = python();
    const r = py ? spawnSync(py, ['-c', 'import logler, importlib.metadata as m; print(m.version("logler"))'], { encoding: 'utf8' }) : undefined;
    tool =
      r?.status === 0
        ? { name, bin, version: `logler ${r.stdout.trim()}` }
        : { name, bin: undefined, version: undefined, missing: "logler is not installed (python3 -c 'import logler' failed)" };
  } else {
    tool = { name, bin, version: versionOf(bin, name === 'lnav' ? ['-V'] : ['--version']) };
  }
  tools.set(name, tool);
  return tool;
}

/** The first integer of a tool's output (rg/grep -c print the count; lnav prints a table). */
function firstNumber(text: string): number | undefined {
  const m = /\b(\d+)\b/.exec(text.replace(/^count\(\*\)\s*/m, ''));
  return m ? Number(m[1]) : undefined;
}

interface PeerSpec {
  name: string;
  tool: 'rg' | 'grep' | 'lnav' | 'logler';
  title: string;
  format: DataFormat;
  pairedWith: string[];
  args: (p: Probes, file: string) => string[];
  /** Reads what the tool found out of its output, to show it did the same work. */
  found?: (r: ProcessResult) => Record<string, unknown>;
}

function term17(p: Probes): string {
  if (!p.term17) throw new SkipScenario('no word matching ~17% found in the generated data');
  return p.term17.term;
}

function peer(spec: PeerSpec): Scenario {
  return {
    name: spec.name,
    suite: 'peers',
    title: spec.title,
    peer: spec.tool,
    pairedWith: spec.pairedWith,
    setup: async (ctx) => {
      const tool = peerTool(spec.tool);
      if (!tool.bin) throw new SkipScenario(tool.missing ?? `${spec.tool} is not installed`);
      const file = ctx.data.files[spec.format];
      const args = spec.args(ctx.probes, file.path);
      const bin = tool.bin;
      return prepared<ProcessResult>({
        run: async () => {
          const r = await runProcess(bin, args, { keepBytes: 1 << 16 });
          // 0 = found, 1 = nothing found, for every one of these tools.
          if (r.code !== 0 && r.code !== 1) throw new Error(`${spec.tool} exited ${r.code}: ${r.stderr.slice(0, 300)}`);
          return r;
        },
        spawned: { cmd: bin, args },
        units: { entries: file.entries, bytes: file.bytes },
        inputs: { argv: [spec.tool, ...args], version: tool.version },
        describe: (r) => ({ exitCode: r.code, ...(spec.found ? spec.found(r) : { stdoutBytes: r.stdoutBytes }) }),
      });
    },
  };
}

const count = (r: ProcessResult): Record<string, unknown> => ({ count: firstNumber(r.stdout) ?? 0 });
const loglerJson = (r: ProcessResult): Record<string, unknown> => {
  try {
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    const out: Record<string, unknown> = { stdoutBytes: r.stdoutBytes };
    for (const k of ['total_matches', 'total_entries', 'count', 'sample_size']) if (k in j) out[k] = j[k];
    return out;
  } catch {
    return { stdoutBytes: r.stdoutBytes };
  }
};

export const peerScenarios: Scenario[] = [
  peer({
    name: 'peers.rg-count-no-match',
    tool: 'rg',
    title: 'rg -c, a substring no line contains (JSON file)',
    format: 'json',
    pairedWith: ['search.count-no-match'],
    args: (p, f) => ['-c', '--fixed-strings', p.noMatch, f],
    found: count,
  }),
  peer({
    name: 'peers.rg-count-17pct',
    tool: 'rg',
    title: 'rg -c, a word matching ~17% (JSON file)',
    format: 'json',
    pairedWith: ['search.count-17pct', 'cli.count-17pct'],
    args: (p, f) => ['-c', '--fixed-strings', term17(p), f],
    found: count,
  }),
  peer({
    name: 'peers.rg-count-17pct-ci',
    tool: 'rg',
    title: 'rg -c -i, a word matching ~17%, case-insensitive (JSON file)',
    format: 'json',
    pairedWith: ['search.count-17pct-ci'],
    args: (p, f) => ['-c', '-i', '--fixed-strings', term17(p), f],
    found: count,
  }),
  peer({
    name: 'peers.grep-count-no-match',
    tool: 'grep',
    title: 'grep -c, a substring no line contains (JSON file)',
    format: 'json',
    pairedWith: ['search.count-no-match'],
    args: (p, f) => ['-c', '-F', p.noMatch, f],
    found: count,
  }),
  peer({
    name: 'peers.grep-count-17pct',
    tool: 'grep',
    title: 'grep -c, a word matching ~17% (JSON file)',
    format: 'json',
    pairedWith: ['search.count-17pct', 'cli.count-17pct'],
    args: (p, f) => ['-c', '-F', term17(p), f],
    found: count,
  }),
  peer({
    name: 'peers.lnav-load-text',
    tool: 'lnav',
    title: "lnav -n -c ';SELECT count(*) FROM all_logs' (headless load, plain text)",
    format: 'text',
    pairedWith: ['index.build-text', 'cli.stats-text'],
    args: (_p, f) => ['-n', '-c', ';SELECT count(*) FROM all_logs', f],
    found: count,
  }),
  peer({
    name: 'peers.lnav-search-text',
    tool: 'lnav',
    title: 'lnav headless load + count of a word matching ~17% (plain text)',
    format: 'text',
    pairedWith: ['cli.count-17pct-text'],
    args: (p, f) => ['-n', '-c', `;SELECT count(*) FROM all_logs WHERE log_body LIKE '%${term17(p)}%'`, f],
    found: count,
  }),
  peer({
    name: 'peers.logler-load',
    tool: 'logler',
    title: 'logler llm search --count-only (load + count every entry, JSON file)',
    format: 'json',
    pairedWith: ['cli.stats-json'],
    args: (_p, f) => ['llm', 'search', f, '--count-only'],
    found: loglerJson,
  }),
  peer({
    name: 'peers.logler-search',
    tool: 'logler',
    title: 'logler llm search --query WORD --count-only (word ~17%, JSON file)',
    format: 'json',
    pairedWith: ['cli.count-17pct'],
    args: (p, f) => ['llm', 'search', f, '--query', term17(p), '--count-only'],
    found: loglerJson,
  }),
  peer({
    name: 'peers.logler-follow',
    tool: 'logler',
    title: 'logler llm correlate REQUEST (follow the busiest request)',
    format: 'json',
    pairedWith: ['cli.follow-request'],
    args: (p, f) => {
      if (!p.request) throw new SkipScenario('no request id found in the generated data');
      return ['llm', 'correlate', p.request, '--files', f];
    },
    found: loglerJson,
  }),
  peer({
    name: 'peers.logler-hierarchy',
    tool: 'logler',
    title: 'logler llm hierarchy TRACE (tree of the busiest trace)',
    format: 'json',
    pairedWith: ['cli.hierarchy-trace'],
    args: (p, f) => {
      if (!p.trace) throw new SkipScenario('no trace id found in the generated data');
      return ['llm', 'hierarchy', p.trace, '--files', f];
    },
    found: loglerJson,
  }),
  peer({
    name: 'peers.logler-sample-diverse',
    tool: 'logler',
    title: 'logler llm sample --strategy diverse --size 50',
    format: 'json',
    pairedWith: ['cli.sample-diverse'],
    args: (_p, f) => ['llm', 'sample', f, '--strategy', 'diverse', '--size', '50'],
    found: loglerJson,
  }),
];
