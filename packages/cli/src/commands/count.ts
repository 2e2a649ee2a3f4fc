import type { AggregationKind, CountResult, Query } from '@logsift/api';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { AGGREGATE_FLAGS, toQuery } from '../query.js';
import { colors, formatCount } from '../render.js';
import type { CommandDef, Options } from '../spec.js';
import { renderAggregations } from './search.js';

function countArgs(options: Options): Query & { aggregate?: AggregationKind[]; bucket?: string } {
  const aggregate = options['aggregate'];
  return {
    ...toQuery(options),
    ...(Array.isArray(aggregate) && aggregate.length > 0 ? { aggregate: aggregate as AggregationKind[] } : {}),
    ...(typeof options['bucket'] === 'string' ? { bucket: options['bucket'] } : {}),
  };
}

export const countCommand: CommandDef = {
  name: 'count',
  summary: 'How many entries match (exact), optionally by level, thread, service, file or time bucket.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...QUERY_FLAGS, ...AGGREGATE_FLAGS, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift count logs/ --level error', what: 'how many errors' },
    { cmd: "logsift count logs/ -q timeout --aggregate service,time --bucket 5m", what: 'timeouts per service and per 5 minutes' },
  ],
  use: 'Use for how many (exact), optionally by level, service, thread, file or time.',
  uses: ['open', 'Investigation.count'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const result = await inv.count(countArgs(ctx.options), { signal: ctx.signal });
    return { data: result, summary: { total: result.total }, found: result.total > 0 };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<CountResult>;
    const c = colors(ctx);
    return [c.bold(`${formatCount(r.total ?? 0)} matching entries`), ...renderAggregations(r.aggregations, ctx)].join('\n');
  },
};
