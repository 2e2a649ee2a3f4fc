import type { SampleResult, SampleStrategy } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { colors } from '../render.js';
import { renderEntry } from '../render-entries.js';
import { toScope } from '../query.js';
import type { CommandDef } from '../spec.js';

/** A representative sample of entries, each with the reason it was chosen. */
export const sampleCommand: CommandDef = {
  name: 'sample',
  summary: 'A representative sample of entries (diverse, errors, random, head, tail, edges, chronological), with why each was chosen.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'strategy', type: 'string', group: 'command', choices: ['diverse', 'random', 'chronological', 'errors', 'head', 'tail', 'edges'], default: 'diverse', description: 'how to choose' },
    { name: 'size', short: 'n', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 20, description: 'how many entries' },
    { name: 'seed', type: 'integer', group: 'command', min: 0, valueName: 'n', description: 'seed of random (default 42)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift sample logs/ -n 30', what: 'thirty entries that show what the logs are like' },
    { cmd: 'logsift sample logs/ --strategy errors', what: 'a spread of the errors' },
  ],
  use: 'Use for a small representative set of entries instead of reading everything.',
  uses: ['open', 'Investigation.sample'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.sample(
      { strategy: o['strategy'] as SampleStrategy, size: Number(o['size']), ...(typeof o['seed'] === 'number' ? { seed: o['seed'] } : {}), ...toScope(o) },
      { signal: ctx.signal },
    );
    return { data: result, summary: { strategy: result.strategy, returned: result.items.length, coverage: result.coverage }, found: result.items.length > 0 };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<SampleResult>;
    const c = colors(ctx);
    return (r.items ?? []).map((i) => `${renderEntry(i.entry, ctx)}\n  ${c.dim(i.reason)}`).join('\n');
  },
};
