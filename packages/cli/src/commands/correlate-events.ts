import type { CorrelateAnchor, CorrelateResult } from '@logsift/api';
import { CliError } from '../envelope.js';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { clip, clockTime, colors, formatCount, formatMs, keyValues, table } from '../render.js';
import { renderEntry } from '../render-entries.js';
import { toScope } from '../query.js';
import type { CommandDef, Options } from '../spec.js';

/** The one anchor the flags name (exactly one of --entry, --at, --time, --trigger). */
function anchorOf(o: Options): CorrelateAnchor {
  const given: CorrelateAnchor[] = [];
  if (typeof o['entry'] === 'number') given.push({ entry: o['entry'] });
  if (typeof o['at'] === 'string') given.push({ line: o['at'] });
  if (typeof o['time'] === 'string') given.push({ time: o['time'] });
  if (typeof o['trigger'] === 'string') given.push({ trigger: { q: o['trigger'] } });
  const [one] = given;
  if (given.length !== 1 || !one) throw new CliError('USAGE', 'give exactly one anchor: --entry N, --at FILE:LINE, --time T or --trigger QUERY');
  return one;
}

/** What happened around an anchor, most unusual first. */
export const correlateEventsCommand: CommandDef = {
  name: 'correlate-events',
  summary: 'What happened around an entry, line, time or first match: templates of every file and service, most unusual first.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'entry', type: 'integer', group: 'command', min: 0, valueName: 'id', description: 'an entry id' },
    { name: 'at', type: 'string', group: 'command', cliOnly: true, valueName: 'file:line', description: 'anchor: the record at FILE:LINE (on a terminal; tools give entry ids)' },
    { name: 'time', type: 'string', group: 'command', valueName: 'time', description: 'RFC 3339 or -10m' },
    { name: 'trigger', type: 'string', group: 'command', valueName: 'q', description: 'first match of a query' },
    { name: 'window', type: 'string', group: 'command', valueName: 'span', default: '30s', description: '± span around it' },
    { name: 'baseline', type: 'string', group: 'command', cliOnly: true, valueName: 'span', description: 'span before the window (default: all)' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 1, valueName: 'n', default: 20, description: 'at most n templates' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: "logsift correlate-events logs/ --trigger 'service:gateway level>=error' --window 1m", what: 'what was unusual around the first gateway error' },
    { cmd: 'logsift correlate-events logs/ --at logs/app.log:1020', what: 'around one line of a file' },
  ],
  use: 'Use to see what else happened around an entry, line, time or first match, in all services.',
  uses: ['open', 'Investigation.correlateEvents'],
  run: async (ctx) => {
    const o = ctx.options;
    const anchor = anchorOf(o);
    const inv = await ctx.open();
    const result = await inv.correlateEvents(
      anchor,
      {
        ...(typeof o['window'] === 'string' ? { window: o['window'] } : {}),
        ...(typeof o['baseline'] === 'string' ? { baseline: o['baseline'] } : {}),
        ...(typeof o['limit'] === 'number' ? { limit: o['limit'] } : {}),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    const top = result.events[0];
    return {
      data: result,
      summary: { anchor: result.anchor.kind, windowEntries: result.window.entries, templates: result.templates, top: top ? { pattern: top.pattern, surprise: top.surprise, service: top.services[0]?.name ?? null } : null },
      found: result.events.length > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<CorrelateResult>;
    const c = colors(ctx);
    const w = r.window;
    const b = r.baseline;
    const out = [
      keyValues(
        [
          ['anchor', `${r.anchor?.kind ?? '?'} at ${clockTime(r.anchor?.ns)}`],
          ['window', w ? `±${formatMs(w.durationMs / 2)}: ${formatCount(w.entries)} entries, ${formatCount(r.templates ?? 0)} templates` : '-'],
          ['baseline', r.baselineEmpty ? c.yellow('none (the window starts the data)') : b ? `${formatMs(b.durationMs)} before: ${formatCount(b.entries)} entries` : '-'],
          ['services', (r.services ?? []).map((s) => `${s.name} ${formatCount(s.count)}`).join(', ') || '-'],
        ],
        ctx,
      ),
    ];
    if (r.anchor?.entry) out.push('', renderEntry(r.anchor.entry, ctx));
    const rows = (r.events ?? []).map((e) => [
      e.surprise >= 3 ? c.red(e.surprise.toFixed(1)) : e.surprise.toFixed(1),
      `${formatCount(e.windowCount)}/${formatCount(e.baselineCount)}`,
      e.new ? c.yellow('new') : `${e.rateRatio.toFixed(1)}×`,
      formatMs(e.offsetMs),
      e.services.map((s) => s.name).slice(0, 2).join(','),
      clip(e.pattern, Math.max(30, ctx.width - 60)),
    ]);
    out.push('', table(['surprise', 'window/base', 'rate', 'first at', 'services', 'template'], rows, ctx));
    if (r.truncated) out.push(c.dim(`(top ${rows.length} of ${r.templates ?? '?'} templates; -n for more)`));
    return out.join('\n');
  },
};
