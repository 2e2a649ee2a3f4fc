import type { DiffResult, PeriodSide, TemplateChange } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { clip, clockTime, colors, formatCount, percent, sideBySide, table } from '../render.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** A change of share in percentage points, signed and coloured (up red: more of it). */
function points(change: number, ctx: RenderContext): string {
  const c = colors(ctx);
  const pp = `${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)} pp`;
  return change > 0 ? c.red(pp) : change < 0 ? c.green(pp) : pp;
}

/** The two scopes side by side, then the templates that appeared, vanished or changed share. */
function renderDiff(r: Partial<DiffResult>, ctx: RenderContext): string {
  const c = colors(ctx);
  const a: Partial<PeriodSide> = r.a ?? {};
  const b: Partial<PeriodSide> = r.b ?? {};
  const range = (s: Partial<PeriodSide>): string => (s.firstNs != null ? `${clockTime(s.firstNs)} → ${clockTime(s.lastNs).slice(11)}` : '-');
  const out = [
    sideBySide(
      [`a: ${String(ctx.options['a'] ?? '')}`, `b: ${String(ctx.options['b'] ?? '')}`],
      [
        ['entries', formatCount(a.entries ?? 0), formatCount(b.entries ?? 0)],
        ['errors', formatCount(a.errors ?? 0), formatCount(b.errors ?? 0)],
        ['error rate', percent(a.errorRate), `${percent(b.errorRate)}  ${points((b.errorRate ?? 0) - (a.errorRate ?? 0), ctx)}`],
        ['time', range(a), range(b)],
      ],
      ctx,
    ),
  ];
  const width = Math.max(30, ctx.width - 45);
  const section = (title: string, list: TemplateChange[] | undefined): void => {
    if (!list?.length) return;
    out.push('', c.bold(title));
    out.push(
      table(
        ['in a', 'in b', 'change', 'pattern'],
        list.map((t) => [`${formatCount(t.countA)} ${c.dim(percent(t.shareA))}`, `${formatCount(t.countB)} ${c.dim(percent(t.shareB))}`, points(t.change, ctx), clip(t.pattern, width)]),
        ctx,
      ),
    );
  };
  section('appeared in b', r.appeared);
  section('vanished in b', r.vanished);
  section('changed share (of each scope)', r.changed);
  out.push('', c.dim(`${formatCount(r.templateCount ?? 0)} templates compared`));
  return out.join('\n');
}

/** Two periods or scopes (compact queries): error rates and templates that appear, vanish or change. */
export const diffCommand: CommandDef = {
  name: 'diff',
  summary: 'Two scopes (compact queries, e.g. before/after a deploy): error rates and templates that appear, vanish or change.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'a', type: 'string', group: 'command', valueName: 'q', required: true, description: "baseline scope: a query (before:T)" },
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
  text: (data, ctx) => renderDiff(data as Partial<DiffResult>, ctx),
};
