import type { BottlenecksResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS, TREE_ID_FLAGS, kindOption } from '../flags.js';
import { colors, keyValues, table } from '../render.js';
import { toScope } from '../query.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import type { CommandDef } from '../spec.js';

/** Where the time of one trace or request goes: its slowest nodes, with self time and share. */
export const bottlenecksCommand: CommandDef = {
  name: 'bottlenecks',
  summary: 'Where the time of one trace or request goes: the slowest nodes of its tree, with self time and share.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    ...TREE_ID_FLAGS,
    RULES_FLAG,
    { name: 'threshold-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'nodes lasting at least this long' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 20, description: 'at most n nodes' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift bottlenecks traces.jsonl --id 4bf92f35 --threshold-ms 100', what: 'nodes of one trace slower than 100 ms' }],
  use: 'Use when one request is slow: the nodes of its tree that take the time.',
  uses: ['open', 'Investigation.bottlenecks'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.bottlenecks(
      String(o['id']),
      {
        ...kindOption(o),
        ...(typeof o['thresholdMs'] === 'number' ? { thresholdMs: o['thresholdMs'] } : {}),
        limit: Number(o['limit']),
        ...(await rulesOption(o)),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    return { data: result, summary: { id: result.id, total: result.total, returned: result.nodes.length }, found: result.nodes.length > 0 };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<BottlenecksResult>;
    const c = colors(ctx);
    return [
      keyValues([['id', `${r.id ?? '?'} (${r.kind ?? '?'})`], ['total', r.totalMs != null ? `${Math.round(r.totalMs)} ms` : '-']], ctx),
      '',
      table(
        ['node', 'ms', 'self ms', 'share', 'errors'],
        (r.nodes ?? []).map((n) => [`${'  '.repeat(n.depth)}${n.name}`, Math.round(n.durationMs), Math.round(n.selfMs), n.share != null ? `${Math.round(n.share * 100)}%` : '-', n.errorCount > 0 ? c.red(String(n.errorCount)) : '0']),
        ctx,
      ),
    ].join('\n');
  },
};
