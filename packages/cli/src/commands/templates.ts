import type { TemplatesResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

function hhmmss(ns: number | undefined): string {
  return ns === undefined ? '-' : new Date(ns / 1e6).toISOString().slice(11, 19);
}

/** Mined message templates (variables as <*>), most frequent first. */
export const templatesCommand: CommandDef = {
  name: 'templates',
  summary: 'Message templates (log patterns with the variable parts as <*>), most frequent first, with error counts.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 50, description: 'at most n templates' },
    { name: 'errors-only', type: 'boolean', group: 'command', description: 'only templates with errors, most first' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift templates logs/', what: 'what the logs say, grouped into patterns' },
    { cmd: 'logsift templates logs/ --errors-only -n 10', what: 'the ten kinds of error seen most' },
  ],
  use: 'Use to see what the logs say as patterns, or the kinds of error (errorsOnly).',
  uses: ['open', 'Investigation.templates'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const result = await inv.templates(
      { limit: Number(ctx.options['limit']), ...(ctx.options['errorsOnly'] === true ? { errorsOnly: true } : {}) },
      { signal: ctx.signal },
    );
    return {
      data: result,
      summary: { total: result.total, returned: result.templates.length, entries: result.entries },
      found: result.total > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<TemplatesResult>;
    const c = colors(ctx);
    const templates = r.templates ?? [];
    const patternWidth = Math.max(30, ctx.width - 40);
    const rows = templates.map((t) => [
      formatCount(t.count),
      t.errorCount > 0 ? c.red(formatCount(t.errorCount)) : c.dim('0'),
      `${hhmmss(t.firstNs)}-${hhmmss(t.lastNs)}`,
      (t.pattern.length > patternWidth ? `${t.pattern.slice(0, patternWidth - 1)}…` : t.pattern).replace(/<\*>/g, c.cyan('<*>')),
    ]);
    return [
      table(['count', 'errors', 'time', 'pattern'], rows, ctx),
      '',
      c.bold(`${formatCount(r.total ?? 0)} templates over ${formatCount(r.entries ?? 0)} entries${templates.length < (r.total ?? 0) ? `, showing ${templates.length}` : ''}`),
    ].join('\n');
  },
};
