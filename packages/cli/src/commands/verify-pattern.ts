import type { VerifyPatternResult } from '@logsift/api';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { clockTime, colors, formatCount, formatMs, keyValues, percent, sparkline, table } from '../render.js';
import { renderEntry } from '../render-entries.js';
import { toScope } from '../query.js';
import type { CommandDef } from '../spec.js';

/** A hypothesis as a regex with named groups, tested over the scope. */
export const verifyPatternCommand: CommandDef = {
  name: 'verify-pattern',
  summary: "Test a regex with named groups over the logs: matches, each group's values, first/last, a histogram.",
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'pattern', short: 'p', type: 'string', group: 'command', valueName: 're', required: true, description: 'regex with named groups' },
    { name: 'raw', type: 'boolean', group: 'command', description: 'match raw records' },
    { name: 'top', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 10, description: 'values per group' },
    { name: 'bucket-ms', type: 'integer', group: 'command', cliOnly: true, min: 1, valueName: 'ms', description: 'histogram bucket' },
    { name: 'examples', type: 'integer', group: 'command', cliOnly: true, min: 0, valueName: 'n', default: 3, description: 'entries shown' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: "logsift verify-pattern app.log -p 'timeout after (?<ms>\\d+)ms on pool (?<pool>\\w+)'", what: 'how often, which pools, since when' },
    { cmd: "logsift verify-pattern logs/ -q level>=error -p 'user=(?<user>\\d+)' --top 5", what: 'the users behind the errors' },
  ],
  use: 'Use to test a regex hypothesis: how often, which values, when.',
  uses: ['open', 'Investigation.verifyPattern'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const num = (k: string): Record<string, number> => (typeof o[k] === 'number' ? { [k]: o[k] } : {});
    const result = await inv.verifyPattern(
      String(o['pattern']),
      { ...(o['raw'] === true ? { raw: true } : {}), ...num('top'), ...num('bucketMs'), ...num('examples'), ...toScope(o) },
      { signal: ctx.signal },
    );
    return {
      data: result,
      summary: { matches: result.matches, scanned: result.scanned, groups: result.groups, first: result.first?.time ?? null, last: result.last?.time ?? null },
      found: result.matches > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<VerifyPatternResult>;
    const c = colors(ctx);
    const out = [
      keyValues(
        [
          ['pattern', `/${r.pattern ?? ''}/`],
          ['matches', `${formatCount(r.matches ?? 0)} of ${formatCount(r.scanned ?? 0)} entries (${percent(r.matchRate ?? 0)}), ${formatCount(r.errorMatches ?? 0)} at ERROR+`],
          ['first', r.first ? `${clockTime(r.first.timestampNs)}  ${r.first.file}:${r.first.line}` : '-'],
          ['last', r.last ? `${clockTime(r.last.timestampNs)}  ${r.last.file}:${r.last.line}` : '-'],
        ],
        ctx,
      ),
    ];
    const h = r.histogram;
    if (h && h.counts.length > 0) {
      out.push('', `${c.bold('over time')}  ${c.dim(`${formatMs(h.bucketMs)} buckets from ${clockTime(h.startNs)}, max ${Math.max(...h.counts)}`)}`, sparkline(h.counts));
    }
    for (const g of r.values ?? []) {
      const more = g.distinct > g.top.length ? c.dim(`  (${g.distinct}${g.distinctCapped ? '+' : ''} distinct, top ${g.top.length})`) : '';
      out.push('', `${c.bold(g.name)}  ${c.dim(`captured in ${formatCount(g.captured)} matches`)}${more}`);
      out.push(table(['value', 'count', 'share'], g.top.map((v) => [v.value, formatCount(v.count), percent(v.share)]), ctx));
    }
    if ((r.examples ?? []).length > 0) out.push('', c.bold('examples'), ...(r.examples ?? []).map((e) => renderEntry(e, ctx)));
    return out.join('\n');
  },
};
