import type { TriageResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { colors, formatCount, keyValues, levelCounts, table } from '../render.js';
import { toScope } from '../query.js';
import { withSources } from '../sources.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** The first look: error rate and trend, top errors, affected services/threads, what to run next. */
export const triageCommand: CommandDef = {
  name: 'triage',
  summary: 'First look: error rate and trend, the top errors by template, affected services and threads, what to run next.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'top', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 5, description: 'items per top list' },
    { name: 'bucket-ms', type: 'integer', group: 'command', min: 1, valueName: 'ms', description: 'trend bucket (default: ≤ 24 buckets)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift triage logs/', what: 'where to start' },
    { cmd: 'logsift triage examples/sample --top 10', what: 'longer top lists' },
  ],
  use: 'Use first when something is wrong: error rate, top errors, services, next steps.',
  uses: ['open', 'Investigation.triage'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const triage = await inv.triage({ top: Number(o['top']), ...toScope(o), ...(typeof o['bucketMs'] === 'number' ? { bucketMs: o['bucketMs'] } : {}) }, { signal: ctx.signal });
    const result = { ...triage, suggestions: withSources(triage.suggestions, ctx.args, o) };
    return {
      data: result,
      summary: { entries: result.entries, errors: result.errors, errorRate: result.errorRate, trend: result.trend },
      found: result.entries > 0,
    };
  },
  text: (raw, ctx) => renderTriage(raw as Partial<TriageResult>, ctx),
};

/** Triage for a terminal (summarize shows it too). */
export function renderTriage(r: Partial<TriageResult>, ctx: RenderContext): string {
  const c = colors(ctx);
  const out = [
    keyValues(
      [
        ['entries', formatCount(r.entries ?? 0)],
        ['errors', `${c.red(formatCount(r.errors ?? 0))} (${((r.errorRate ?? 0) * 100).toFixed(1)}%), trend ${r.trend ?? '?'}`],
        ['levels', levelCounts(r.levels ?? {}, ctx)],
      ],
      ctx,
    ),
  ];
  if ((r.topErrors ?? []).length) {
    out.push('', c.bold('top errors'));
    out.push(table(['count', 'template'], (r.topErrors ?? []).map((e) => [formatCount(e.count), (e.template ?? e.example).slice(0, Math.max(30, ctx.width - 10))]), ctx));
  }
  if ((r.emergingErrors ?? []).length) {
    out.push('', c.bold('new errors (absent at the start, earliest first)'));
    out.push(
      table(
        ['first seen', 'service', 'count', 'template'],
        (r.emergingErrors ?? []).map((e) => [e.first, e.service, formatCount(e.count), (e.pattern ?? '').slice(0, Math.max(30, ctx.width - 50))]),
        ctx,
      ),
    );
  }
  const affected = [...(r.services ?? []).map((s) => ['service', s] as const), ...(r.threads ?? []).map((t) => ['thread', t] as const)];
  if (affected.length) {
    out.push('', c.bold('affected'));
    out.push(table(['kind', 'name', 'errors', 'entries'], affected.map(([k, a]) => [k, a.name, formatCount(a.errors), formatCount(a.entries)]), ctx));
  }
  if ((r.suggestions ?? []).length) out.push('', c.bold('next'), ...(r.suggestions ?? []).map((s) => `  ${c.cyan(s)}`));
  return out.join('\n');
}
