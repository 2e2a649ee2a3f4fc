import type { CompareResult, SequenceSide } from '@logsift/api';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import { toScope } from '../query.js';
import { clockTime, colors, formatCount, formatMs, sideBySide } from '../render.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** The two ids in two columns, row by row; then where their step sequences part. */
function renderCompare(r: Partial<CompareResult>, ctx: RenderContext): string {
  const c = colors(ctx);
  const a: Partial<SequenceSide> = r.comparison?.a ?? {};
  const b: Partial<SequenceSide> = r.comparison?.b ?? {};
  const outcome = (s: Partial<SequenceSide>): string => (s.outcome === 'error' ? c.red('error') : s.outcome === 'ok' ? c.green('ok') : '-');
  const out = [
    sideBySide(
      [`a: ${r.a ?? '?'}`, `b: ${r.b ?? '?'}`],
      [
        ['outcome', outcome(a), outcome(b)],
        ['entries', formatCount(a.entries ?? 0), formatCount(b.entries ?? 0)],
        ['errors', formatCount(a.errors ?? 0), formatCount(b.errors ?? 0)],
        ['duration', formatMs(a.durationNs != null ? a.durationNs / 1e6 : null), formatMs(b.durationNs != null ? b.durationNs / 1e6 : null)],
        ['first', clockTime(a.firstNs), clockTime(b.firstNs)],
        ['last', clockTime(a.lastNs), clockTime(b.lastNs)],
        ['first error', a.firstError != null ? `entry ${a.firstError}` : '-', b.firstError != null ? `entry ${b.firstError}` : '-'],
      ],
      ctx,
    ),
  ];
  const d = r.comparison?.divergence;
  if (!d) out.push('', c.green('the same sequence of steps (templates)'));
  else {
    out.push('', c.bold(`the sequences part at step ${d.index + 1}`));
    out.push(
      sideBySide(
        ['a', 'b'],
        [['step', d.a ? d.a.pattern : c.dim('(ended)'), d.b ? d.b.pattern : c.dim('(ended)')], ['entry', d.a ? String(d.a.entry) : '-', d.b ? String(d.b.entry) : '-']],
        ctx,
      ),
    );
  }
  return out.join('\n');
}

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
    { name: 'kind', type: 'string', group: 'command', choices: ['request', 'trace', 'span', 'thread'], description: 'id kind (default: detected)' },
    RULES_FLAG,
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift compare logs/ --a req-ok-1 --b req-failed-7', what: 'what the failing request did differently' }],
  use: 'Use to see what a failing request did differently from a good one.',
  uses: ['open', 'Investigation.compare'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.compare(String(o['a']), String(o['b']), { ...(typeof o['kind'] === 'string' ? { kind: o['kind'] } : {}), ...(await rulesOption(o)), ...toScope(o) }, { signal: ctx.signal });
    return { data: result, found: true };
  },
  text: (data, ctx) => renderCompare(data as Partial<CompareResult>, ctx),
};
