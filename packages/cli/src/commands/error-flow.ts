import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { generic } from '../render.js';
import { toScope } from '../query.js';
import type { CommandDef } from '../spec.js';

/** How errors came about: along one id's tree, or across services for the whole input. */
export const errorFlowCommand: CommandDef = {
  name: 'error-flow',
  summary: "How errors came about: the chain to the first error in one id's tree, or errors by service over time.",
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'id', type: 'string', group: 'command', valueName: 'value', description: "an id: its tree's error chain (default: all, by service)" },
    { name: 'kind', type: 'string', group: 'command', choices: ['request', 'trace', 'span', 'thread'], description: 'id kind (default: detected)' },
    { name: 'depth', type: 'integer', group: 'command', min: 0, valueName: 'n', description: 'deepest tree level kept' },
    { name: 'bucket-ms', type: 'integer', group: 'command', min: 1, valueName: 'ms', description: 'bucket without --id (default: auto)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift error-flow logs/', what: 'errors by service over time' },
    { cmd: 'logsift error-flow logs/ --id 7f3a9c', what: 'the chain that led to the first error of one request' },
  ],
  use: 'Use to find where errors started: across services, or the chain in one id\'s tree.',
  uses: ['open', 'Investigation.errorFlow'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.errorFlow(
      {
        ...(typeof o['id'] === 'string' ? { id: o['id'] } : {}),
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as 'request' | 'trace' | 'span' | 'thread' } : {}),
        ...(typeof o['depth'] === 'number' ? { maxDepth: o['depth'] } : {}),
        ...(typeof o['bucketMs'] === 'number' ? { bucketMs: o['bucketMs'] } : {}),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const errors = (result as unknown as { errors?: number }).errors;
    return { data: result, ...(typeof errors === 'number' ? { summary: { errors } } : {}), found: typeof errors === 'number' ? errors > 0 : true };
  },
  text: (data, ctx) => generic(data, ctx),
};
