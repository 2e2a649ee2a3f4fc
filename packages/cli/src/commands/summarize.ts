import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { callPlanned } from '../planned.js';
import { toQuery } from '../query.js';
import { generic } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Planned: stats + triage + top templates in one bounded digest for a model's context window. */
export const summarizeCommand: CommandDef = {
  name: 'summarize',
  summary: 'A short digest for a context window: stats, triage findings and the top templates in one envelope.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'top', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 10, description: 'items per section' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift summarize logs/ --max-bytes 8000', what: 'everything important in 8 KB' }],
  uses: ['open', 'Investigation.stats', 'Investigation.triage', 'Investigation.templates'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const query = toQuery(ctx.options);
    const top = ctx.options['top'];
    const stats = await inv.stats({ signal: ctx.signal });
    const triage = await callPlanned(inv, 'triage', { ...query, top }, ctx.signal);
    const templates = await inv.templates({ limit: Number(top) }, { signal: ctx.signal });
    return { data: { stats, triage, templates }, found: stats.entries > 0 };
  },
  text: (data, ctx) => generic(data, ctx),
};
