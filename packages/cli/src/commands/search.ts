import type { Aggregations, SearchResult } from '@logsift/api';
import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { AGGREGATE_FLAGS, ALL_FIELDS_FLAG, toSearchOptions } from '../query.js';
import { colors, formatCount, levelCounts, sparkline } from '../render.js';
import { renderEntries, type EntryLike } from '../render-entries.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** Aggregations as short lines (shared by search and count). */
export function renderAggregations(a: Aggregations | undefined, ctx: RenderContext): string[] {
  if (!a) return [];
  const c = colors(ctx);
  const out: string[] = [];
  if (a.level) out.push(`${c.dim('by level')}    ${levelCounts(a.level, ctx)}`);
  for (const kind of ['thread', 'service', 'file'] as const) {
    const top = a[kind];
    if (top?.length) out.push(`${c.dim(`by ${kind}`.padEnd(11))} ${top.slice(0, 8).map(([k, n]) => `${k || '(none)'} ${formatCount(n)}`).join(', ')}${top.length > 8 ? c.dim(` +${top.length - 8} more`) : ''}`);
  }
  if (a.time?.buckets.length) out.push(`${c.dim('over time')}   ${sparkline(a.time.buckets.map(([, n]) => n))}`);
  return out;
}

export const searchCommand: CommandDef = {
  name: 'search',
  summary: 'Entries matching a query: exact total, one page of hits with match spans, optional context and aggregations.',
  description:
    'Entries matching a query. Query string syntax (--query/-q): words and "phrases" (all must occur), a OR b, -word (must not occur), /regex/i, key:value (level:error, service:api, thread:main), field>=N (status>=500), last:1h.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...QUERY_FLAGS, ...PAGING_FLAGS, ...CONTEXT_FLAGS, ...AGGREGATE_FLAGS, ALL_FIELDS_FLAG, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift search app.log -q "connection reset"', what: 'entries containing a phrase' },
    { cmd: "logsift search logs/ -q 'level>=error -healthcheck' --last 1h", what: 'errors of the last hour, without health checks' },
    { cmd: "logsift search logs/ --regex 'timeout after \\d+ms' -C 2", what: 'a regex, with two entries of context' },
    { cmd: "logsift search app.jsonl --where 'status>=500' --aggregate level,service", what: 'a field condition, with counts' },
    { cmd: 'logsift search logs/ --level error --tail 20', what: 'the last 20 errors' },
    { cmd: 'logsift search logs/ -q timeout --cursor <nextCursor>', what: 'the next page' },
  ],
  use: 'Use to read the entries behind a question: exact total and one page of hits.',
  uses: ['open', 'Investigation.search'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const result = await inv.search(toSearchOptions(ctx.options), { signal: ctx.signal });
    return {
      data: result,
      summary: {
        totalMatches: result.totalMatches,
        returned: result.returned,
        ...(result.nextCursor ? { nextCursor: result.nextCursor } : {}),
      },
      found: result.totalMatches > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<SearchResult>;
    const c = colors(ctx);
    const entries = (r.entries ?? []) as EntryLike[];
    const out: string[] = [];
    if (entries.length > 0) out.push(renderEntries(entries, ctx), '');
    const shown = entries.length > 0 ? `, showing ${formatCount((r.offset ?? 0) + 1)}-${formatCount((r.offset ?? 0) + entries.length)}` : '';
    out.push(c.bold(`${formatCount(r.totalMatches ?? 0)} match${r.totalMatches === 1 ? '' : 'es'}${shown}`));
    if (r.nextCursor) out.push(c.dim(`more: --cursor ${r.nextCursor}`));
    out.push(...renderAggregations(r.aggregations, ctx));
    return out.join('\n');
  },
};
