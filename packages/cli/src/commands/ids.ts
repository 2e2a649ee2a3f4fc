import type { IdKind, IdsResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { colors, formatCount, table, timeRange } from '../render.js';
import { toScope } from '../query.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import type { CommandDef } from '../spec.js';

/** The ids seen (threads, requests, traces, spans, services) with counts and time spans. */
export const idsCommand: CommandDef = {
  name: 'ids',
  summary: 'Threads, requests, traces, spans and services seen, with entry counts and first/last time.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'kind', type: 'string', group: 'command', choices: ['thread', 'request', 'trace', 'span', 'service', 'virtual'], description: 'one kind (default: all)' },
    RULES_FLAG,
    { name: 'sort', type: 'string', group: 'command', choices: ['count', 'name', 'first'], default: 'count', description: 'by entries, name or first time' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 20, description: 'ids per kind' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift ids logs/ --kind request', what: 'the requests seen, busiest first' },
    { cmd: 'logsift ids examples/sample --kind thread --sort first', what: 'threads in the order they appeared' },
  ],
  use: 'Use to find ids to follow: threads, requests, traces, services, with counts.',
  uses: ['open', 'Investigation.ids'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.ids(
      {
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as IdKind | 'virtual' } : {}),
        sort: o['sort'] as 'count' | 'name' | 'first',
        limit: Number(o['limit']),
        ...(await rulesOption(o)),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const totals = Object.fromEntries(result.kinds.map((k) => [k.kind, k.total]));
    return { data: result, summary: { distinct: totals }, found: result.kinds.some((k) => k.total > 0) };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<IdsResult>;
    const c = colors(ctx);
    const out: string[] = [];
    for (const k of r.kinds ?? []) {
      if (k.total === 0) continue;
      out.push(c.bold(`${k.kind} (${formatCount(k.total)} distinct)`));
      out.push(table(['id', 'entries', 'time'], k.ids.map((i) => [i.id, formatCount(i.count), timeRange(i.first, i.last)]), ctx), '');
    }
    return out.join('\n').trimEnd() || c.dim('no ids');
  },
};
