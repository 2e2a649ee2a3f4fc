import type { IdKind } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { generic } from '../render.js';
import { toScope } from '../query.js';
import type { CommandDef } from '../spec.js';

/** One id (or the whole scope) step by step in time, with gaps marked. */
export const timelineCommand: CommandDef = {
  name: 'timeline',
  summary: 'One request / trace (or everything) step by step in time across services, with gaps marked.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'id', type: 'string', group: 'command', valueName: 'value', description: 'an id (default: the whole input)' },
    { name: 'kind', type: 'string', group: 'command', choices: ['thread', 'request', 'trace', 'span', 'service'], description: 'id kind (default: detected)' },
    { name: 'gap-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'gaps longer than this (default 1000)' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 200, description: 'at most n steps' },
    { name: 'offset', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'skip the first n steps' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift timeline logs/ --id 7f3a9c --gap-ms 500', what: 'one request step by step, gaps over 500 ms marked' }],
  use: 'Use for one request or the whole scope step by step in time, with gaps.',
  uses: ['open', 'Investigation.timeline'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.timeline(
      {
        ...(typeof o['id'] === 'string' ? { id: o['id'] } : {}),
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as IdKind } : {}),
        ...(typeof o['gapMs'] === 'number' ? { gapMs: o['gapMs'] } : {}),
        limit: Number(o['limit']),
        ...(typeof o['offset'] === 'number' ? { offset: o['offset'] } : {}),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const total = (result as unknown as { total?: number }).total;
    return { data: result, ...(typeof total === 'number' ? { summary: { total } } : {}), found: typeof total === 'number' ? total > 0 : true };
  },
  text: (data, ctx) => generic(data, ctx),
};
