import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { generic } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Two periods or scopes (compact queries): error rates and templates that appear, vanish or change. */
export const diffCommand: CommandDef = {
  name: 'diff',
  summary: 'Two scopes (compact queries, e.g. before/after a deploy): error rates and templates that appear, vanish or change.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'a', type: 'string', group: 'command', valueName: 'q', required: true, description: "baseline scope, a compact query (before:T)" },
    { name: 'b', type: 'string', group: 'command', valueName: 'q', required: true, description: "scope compared with it (after:T)" },
    { name: 'top', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 10, description: 'templates listed per category' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: "logsift diff logs/ --a 'before:2024-01-15T08:00:03Z' --b 'after:2024-01-15T08:00:03Z'", what: 'what changed at 08:00:03' }],
  use: 'Use for what changed between two periods (before/after a deploy).',
  uses: ['open', 'Investigation.diff'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.diff({ a: { q: String(o['a']) }, b: { q: String(o['b']) }, top: Number(o['top']) }, { signal: ctx.signal });
    return { data: result, found: true };
  },
  text: (data, ctx) => generic(data, ctx),
};
