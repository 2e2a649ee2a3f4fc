import type { Stats, TemplatesResult, TriageResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { colors } from '../render.js';
import { toScope } from '../query.js';
import { withSources } from '../sources.js';
import type { CommandDef, RenderContext } from '../spec.js';
import { statsCommand } from './stats.js';
import { templatesCommand } from './templates.js';
import { renderTriage } from './triage.js';

interface Digest {
  stats?: Stats;
  triage?: TriageResult;
  templates?: TemplatesResult;
}

/** The three views summarize is made of, one under the other, each under its heading. */
function renderDigest(d: Digest, ctx: RenderContext): string {
  const c = colors(ctx);
  const out: string[] = [];
  if (d.stats) out.push(c.bold(c.underline('files')), statsCommand.text(d.stats, ctx));
  if (d.triage) out.push('', c.bold(c.underline('triage')), renderTriage(d.triage, ctx));
  if (d.templates) out.push('', c.bold(c.underline('top templates')), templatesCommand.text(d.templates, ctx));
  return out.join('\n');
}

/** stats + triage + top templates in one envelope: a digest for a model's context window. */
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
  use: 'Use for one compact digest (stats, triage, top templates) in a single call.',
  uses: ['open', 'Investigation.stats', 'Investigation.triage', 'Investigation.templates'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const top = Number(ctx.options['top']);
    const stats = await inv.stats({ signal: ctx.signal });
    const found = await inv.triage({ top, ...toScope(ctx.options) }, { signal: ctx.signal });
    const triage = { ...found, suggestions: withSources(found.suggestions, ctx.args, ctx.options) };
    const templates = await inv.templates({ limit: top }, { signal: ctx.signal });
    return {
      data: { stats, triage, templates },
      summary: { entries: stats.entries, errors: triage.errors, templates: templates.total },
      found: stats.entries > 0,
    };
  },
  text: (data, ctx) => renderDigest(data as Digest, ctx),
};
