import type { IdKind, TimelineItem, TimelineResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { clip, clockTime, colors, formatCount, formatMs, level, padVisible, table } from '../render.js';
import { toScope } from '../query.js';
import { RULES_FLAG, rulesOption } from '../rules.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** More services than this, or lanes wider than half the screen: one service column instead. */
const MAX_LANES = 8;

/** A step's mark in its service's lane: errors and warnings stand out. */
function mark(item: TimelineItem, ctx: RenderContext): string {
  const c = colors(ctx);
  if (item.level === 'ERROR' || item.level === 'FATAL') return c.red('✖');
  if (item.level === 'WARN') return c.yellow('▲');
  return item.level === 'DEBUG' || item.level === 'TRACE' ? c.dim('·') : c.cyan('●');
}

/**
 * Rows in time: the time since the first record, one lane per service (the step marked in
 * its service's lane), the level and the message; gaps longer than --gap-ms between rows.
 */
function renderTimeline(r: Partial<TimelineResult>, ctx: RenderContext): string {
  const c = colors(ctx);
  const items = r.items ?? [];
  const services = (r.services ?? []).map((s) => s.service);
  const head = [
    c.bold(r.id ? `${r.kind ?? 'id'} ${r.id}` : 'everything in scope'),
    `${formatCount(r.total ?? 0)} entries over ${formatMs(r.durationMs)}`,
    `${services.length} service${services.length === 1 ? '' : 's'}`,
    r.startNs != null ? `from ${clockTime(r.startNs)}` : '',
  ].filter(Boolean);
  const out = [head.join(c.dim(' · '))];
  if (items.length === 0) return out.join('\n');
  const laneWidth = services.reduce((w, s) => w + s.length + 1, 0);
  const lanes = services.length <= MAX_LANES && laneWidth <= ctx.width / 2;
  const relWidth = Math.max(4, ...items.map((i) => formatMs(i.relMs).length + 1));
  const gapsAfter = new Map((r.gaps ?? []).map((g) => [g.afterEntry, g]));
  const header = [padVisible('+time', relWidth), lanes ? services.map((s) => s).join(' ') : padVisible('service', Math.max(7, ...services.map((s) => s.length))), 'level', 'message'];
  out.push('', c.bold(header.join('  ')));
  const fixed = relWidth + 2 + (lanes ? laneWidth - 1 : Math.max(7, ...services.map((s) => s.length))) + 2 + 5 + 2;
  for (const item of items) {
    const rel = `+${formatMs(item.relMs)}`.padStart(relWidth);
    const where = lanes
      ? services.map((s) => padVisible(s === item.service ? mark(item, ctx) : c.dim('│'), s.length)).join(' ')
      : padVisible(c.cyan(item.service), Math.max(7, ...services.map((s) => s.length)));
    out.push(`${c.dim(rel)}  ${where}  ${padVisible(level(item.level, ctx), 5)}  ${clip(item.message, Math.max(20, ctx.width - fixed))}`);
    const gap = gapsAfter.get(item.entry);
    if (gap) out.push(c.yellow(`${' '.repeat(relWidth)}  ⋯ ${formatMs(gap.ms)} gap${gap.fromService !== gap.toService ? ` (${gap.fromService} → ${gap.toService})` : ''}`));
  }
  const shown = (r.offset ?? 0) + items.length;
  if (shown < (r.total ?? 0)) out.push('', c.dim(`showing ${formatCount((r.offset ?? 0) + 1)}-${formatCount(shown)} of ${formatCount(r.total ?? 0)}; more: --offset ${shown}`));
  if (services.length > 0) {
    out.push(
      '',
      table(
        ['service', 'entries', 'errors', 'first', 'last'],
        (r.services ?? []).map((s) => [c.cyan(s.service), formatCount(s.count), s.errors > 0 ? c.red(formatCount(s.errors)) : '0', `+${formatMs(s.firstRelMs)}`, `+${formatMs(s.lastRelMs)}`]),
        ctx,
      ),
    );
  }
  return out.join('\n');
}

/** One id (or the whole scope) step by step in time, with gaps marked. */
export const timelineCommand: CommandDef = {
  name: 'timeline',
  summary: 'One request / trace (or everything) step by step in time across services, with gaps marked.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'id', type: 'string', group: 'command', valueName: 'value', description: 'an id (default: the whole input)' },
    { name: 'kind', type: 'string', group: 'command', choices: ['thread', 'request', 'trace', 'span', 'service'], description: 'id kind (default: detected)' },
    RULES_FLAG,
    { name: 'gap-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'gaps longer than this (default 1000)' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 200, description: 'at most n steps' },
    { name: 'offset', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'skip the first n steps' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift timeline logs/ --id 7f3a9c --gap-ms 500', what: 'one request step by step, gaps over 500 ms marked' }],
  use: 'Use for one request or the whole scope step by step in time, with gaps.',
  uses: ['open', 'Investigation.timeline'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.timeline(
      {
        ...(typeof o['id'] === 'string' ? { id: o['id'] } : {}),
        ...(typeof o['kind'] === 'string' ? { kind: o['kind'] as IdKind } : {}),
        ...(typeof o['gapMs'] === 'number' ? { gapMs: o['gapMs'] } : {}),
        limit: Number(o['limit']),
        ...(typeof o['offset'] === 'number' ? { offset: o['offset'] } : {}),
        ...(await rulesOption(o)),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const total = (result as unknown as { total?: number }).total;
    return { data: result, ...(typeof total === 'number' ? { summary: { total } } : {}), found: typeof total === 'number' ? total > 0 : true };
  },
  text: (data, ctx) => renderTimeline(data as Partial<TimelineResult>, ctx),
};
