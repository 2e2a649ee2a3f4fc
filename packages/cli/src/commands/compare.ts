import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { toScope } from '../query.js';
import { generic } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Two ids (requests, traces, threads) side by side: outcome, duration, steps that differ. */
export const compareCommand: CommandDef = {
  name: 'compare',
  summary: 'Two requests / traces / threads side by side: outcome, duration, errors, and where their sequences differ.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'a', type: 'string', group: 'command', valueName: 'id', required: true, description: 'the first id (e.g. a good request)' },
    { name: 'b', type: 'string', group: 'command', valueName: 'id', required: true, description: 'the second id (e.g. a failing request)' },
    { name: 'kind', type: 'string', group: 'command', choices: ['request', 'trace', 'span', 'thread'], description: 'id kind of both (default: detected)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift compare logs/ --a req-ok-1 --b req-failed-7', what: 'what the failing request did differently' }],
  use: 'Use to see what a failing request did differently from a good one.',
  uses: ['open', 'Investigation.compare'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.compare(String(o['a']), String(o['b']), { ...(typeof o['kind'] === 'string' ? { kind: o['kind'] } : {}), ...toScope(o) }, { signal: ctx.signal });
    return { data: result, found: true };
  },
  text: (data, ctx) => generic(data, ctx),
};
