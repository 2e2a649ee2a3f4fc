import type { ContextResult } from '@logsift/api';
import { CONTEXT_FLAGS, OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors } from '../render.js';
import { renderEntry } from '../render-entries.js';
import type { CommandDef } from '../spec.js';

/** The records around one line of a file. */
export const contextCommand: CommandDef = {
  name: 'context',
  summary: 'The records around one line of a file (as search, follow and triage show it).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'file', type: 'string', group: 'command', valueName: 'path', required: true, description: 'the file of the record (as opened)' },
    { name: 'line', type: 'integer', group: 'command', min: 1, valueName: 'n', required: true, description: 'a line inside the record' },
    ...CONTEXT_FLAGS,
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift context logs/ --file logs/app.log --line 1020 -C 3', what: 'three records either side of line 1020' }],
  use: 'Use to see the records around one file:line from a result.',
  uses: ['open', 'Investigation.context'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const n = (k: string): number | undefined => (typeof o[k] === 'number' ? (o[k] as number) : undefined);
    const before = n('beforeContext') ?? n('context');
    const after = n('afterContext') ?? n('context');
    const result = await inv.context(String(o['file']), Number(o['line']), { ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }, { signal: ctx.signal });
    return { data: result, summary: { file: result.file, line: result.line, exact: result.exact, before: result.before.length, after: result.after.length }, found: true };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<ContextResult>;
    const c = colors(ctx);
    return [...(r.before ?? []).map((e) => renderEntry(e, ctx, true)), r.entry ? `${c.bold('>')} ${renderEntry(r.entry, ctx)}` : '', ...(r.after ?? []).map((e) => renderEntry(e, ctx, true))].join('\n');
  },
};
