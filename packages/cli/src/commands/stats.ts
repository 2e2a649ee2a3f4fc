import type { Stats } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatBytes, formatCount, keyValues, levelCounts, table, timeRange } from '../render.js';
import type { CommandDef } from '../spec.js';

export const statsCommand: CommandDef = {
  name: 'stats',
  summary: 'Files, lines, entries, detected formats, time range and level counts.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift stats examples/sample', what: 'overview of a directory of logs' },
    { cmd: "logsift stats 'logs/**/*.log.gz' --json --pretty", what: 'the same as indented JSON, compressed inputs included' },
    { cmd: 'kubectl logs my-pod | logsift stats -', what: 'read the logs from stdin' },
  ],
  use: 'Use first on unknown logs: files, formats, entries, time range, levels.',
  uses: ['open', 'Investigation.stats', 'Investigation.skipped'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const stats = await inv.stats({ signal: ctx.signal });
    const skipped = inv.skipped();
    return {
      data: { ...stats, skipped },
      summary: { files: stats.files.length, entries: stats.entries, bytes: stats.bytes, skipped: skipped.length },
      found: stats.entries > 0,
    };
  },
  text: (raw, ctx) => {
    const data = raw as Partial<Stats> & { skipped?: { path: string; reason: string }[] };
    const c = colors(ctx);
    const files = data.files ?? [];
    const rows = files.map((f) => [
      f.path,
      `${f.format}${f.formatConfidence < 1 ? c.dim(` ${Math.round(f.formatConfidence * 100)}%`) : ''}`,
      formatBytes(f.bytes),
      formatCount(f.entries),
      timeRange(f.timeRange.first, f.timeRange.last),
      c.red(formatCount((f.levels.ERROR ?? 0) + (f.levels.FATAL ?? 0))),
      c.yellow(formatCount(f.levels.WARN ?? 0)),
    ]);
    const out = [table(['file', 'format', 'size', 'entries', 'time range', 'errors', 'warnings'], rows, ctx)];
    out.push('');
    out.push(
      keyValues(
        [
          ['total', `${formatCount(files.length)} file(s), ${formatBytes(data.bytes ?? 0)}, ${formatCount(data.lines ?? 0)} lines, ${formatCount(data.entries ?? 0)} entries`],
          ['time', timeRange(data.timeRange?.first, data.timeRange?.last)],
          ['levels', levelCounts(data.levels ?? {}, ctx)],
          ['index', formatBytes(data.indexBytes ?? 0)],
        ],
        ctx,
      ),
    );
    for (const s of data.skipped ?? []) out.push(c.yellow(`skipped ${s.path}: ${s.reason}`));
    return out.join('\n');
  },
};
