import { open, type Stats } from '@logsift/api';
import type { CommandSpec } from '../program.js';

function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

function render(stats: Stats): string {
  const lines: string[] = [];
  for (const f of stats.files) {
    lines.push(`${f.path}`);
    lines.push(`  format     ${f.format} (confidence ${f.formatConfidence})`);
    lines.push(`  size       ${formatBytes(f.bytes)}, ${f.lines} lines, ${f.entries} entries`);
    lines.push(`  time       ${f.timeRange.first ?? '-'} → ${f.timeRange.last ?? '-'}`);
    const levels = Object.entries(f.levels)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    lines.push(`  levels     ${levels || '-'}`);
  }
  if (stats.files.length > 1) {
    lines.push(`total: ${stats.files.length} files, ${formatBytes(stats.bytes)}, ${stats.entries} entries`);
  }
  return lines.join('\n');
}

export const statsCommand: CommandSpec = {
  name: 'stats',
  describe: (cmd) =>
    cmd
      .description('Files, lines, entries, detected formats, time range and level counts.')
      .argument('<sources...>', 'log files, directories or globs')
      .option('--format <name>', 'force a log format instead of detecting it'),
  run: async (sources, options) => {
    const inv = await open(sources, options['format'] ? { format: String(options['format']) } : {});
    try {
      const stats = await inv.stats();
      return {
        data: stats,
        summary: { files: stats.files.length, entries: stats.entries },
        found: stats.entries > 0,
        text: () => render(stats),
      };
    } finally {
      inv.close();
    }
  },
};
