import type { FollowResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { colors, formatCount, keyValues } from '../render.js';
import { renderEntries } from '../render-entries.js';
import { ALL_FIELDS_FLAG, toScope } from '../query.js';
import type { CommandDef } from '../spec.js';
import { RULES_FLAG, rulesOption } from '../rules.js';

const KINDS = ['thread', 'request', 'trace', 'span', 'service', 'virtual'] as const;

/** Everything one thread, request, trace, span or service did, in time order, across files. */
export const followCommand: CommandDef = {
  name: 'follow',
  summary: 'Everything one thread, request, trace or service did, in time order, across files: outcome, duration, first error.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'id', type: 'string', group: 'command', valueName: 'value', required: true, description: 'the thread, request, trace, span or service id' },
    { name: 'kind', type: 'string', group: 'command', choices: KINDS, description: 'id kind (default: the most frequent)' },
    RULES_FLAG,
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 100, description: 'records returned (entries and their ids); the summary covers all' },
    { name: 'offset', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'skip the first n records (next page: the nextOffset of the last one)' },
    ALL_FIELDS_FLAG,
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift follow logs/ --id 7f3a9c', what: 'one request (or thread, trace) end to end' },
    { cmd: 'logsift follow app/ --rules rules.json --id job_id:J42', what: 'a job its producer and consumer log without a shared id (correlation rules)' },
    { cmd: "logsift follow examples/sample --id 'IPC Server handler 13 on 62270' --kind thread", what: 'one thread of the Hadoop sample' },
  ],
  use: 'Use to read one request, trace, thread or service end to end, in time order.',
  uses: ['open', 'Investigation.follow'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.follow(
      String(o['id']),
      {
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as (typeof KINDS)[number] } : {}),
        limit: Number(o['limit']),
        ...(typeof o['offset'] === 'number' ? { offset: o['offset'] } : {}),
        ...(o['allFields'] === true ? { fields: true } : {}),
        ...(await rulesOption(o)),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    return {
      data: result,
      summary: {
        id: result.id,
        kind: result.kind,
        total: result.total,
        returned: result.entries.length,
        ...(result.nextOffset !== null ? { nextOffset: result.nextOffset } : {}),
        outcome: result.outcome,
        errorCount: result.errorCount,
      },
      found: result.total > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<FollowResult>;
    const c = colors(ctx);
    const head = keyValues(
      [
        ['id', `${r.id ?? '?'} ${c.dim(`(${r.kind ?? '?'})`)}`],
        ['entries', `${formatCount(r.total ?? 0)}${r.durationMs != null ? ` over ${formatCount(Math.round(r.durationMs))} ms` : ''}`],
        ['outcome', r.outcome === 'error' ? c.red(`error (${formatCount(r.errorCount ?? 0)} errors)`) : c.green('ok')],
        ...((r.services ?? []).length ? [['services', (r.services ?? []).join(' → ')] as [string, string]] : []),
        ...((r.threads ?? []).length ? [['threads', (r.threads ?? []).slice(0, 6).join(', ')] as [string, string]] : []),
      ],
      ctx,
    );
    const entries = r.entries ?? [];
    const out = [head, '', renderEntries(entries, ctx)];
    if (typeof r.nextOffset === 'number') {
      const from = (r.offset ?? 0) + 1;
      out.push('', c.dim(`showing ${formatCount(from)}-${formatCount(from + entries.length - 1)} of ${formatCount(r.total ?? 0)}; more: --offset ${r.nextOffset}`));
    }
    return out.join('\n');
  },
};
