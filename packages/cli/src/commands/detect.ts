
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

interface Detected {
  path: string;
  format: string;
  confidence: number;
  compression: string | null;
  entries: number;
  withoutTimestamp: number;
}

/** Format detection per file, as the engine decided it while indexing (from stats). */
export const detectCommand: CommandDef = {
  name: 'detect',
  summary: 'The log format detected for each file, with its confidence.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift detect logs/', what: 'which format each file was read as' },
    { cmd: 'logsift detect app.log --format json', what: 'check how a forced format reads the file' },
  ],
  uses: ['open', 'Investigation.stats'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const stats = await inv.stats({ signal: ctx.signal });
    const files: Detected[] = stats.files.map((f) => ({
      path: f.path,
      format: f.format,
      confidence: f.formatConfidence,
      compression: f.compression,
      entries: f.entries,
      withoutTimestamp: f.withoutTimestamp,
    }));
    const formats: Record<string, number> = {};
    for (const f of files) formats[f.format] = (formats[f.format] ?? 0) + 1;
    return { data: { files }, summary: { files: files.length, formats }, found: files.length > 0 };
  },
  text: (raw, ctx) => {
    const files = (raw as { files?: Detected[] }).files ?? [];
    return table(
      ['file', 'format', 'confidence', 'compression', 'entries', 'no timestamp'],
      files.map((f) => [f.path, f.format, `${Math.round(f.confidence * 100)}%`, f.compression ?? '-', formatCount(f.entries), formatCount(f.withoutTimestamp)]),
      ctx,
    );
  },
};

