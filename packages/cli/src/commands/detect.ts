import type { Detection } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Format detection per file, as the engine decided it while indexing. */
export const detectCommand: CommandDef = {
  name: 'detect',
  summary: 'The log format detected for each file: the learned layout (header fields, separators, continuation rule) and its confidence.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift detect logs/', what: 'which format each file was read as' },
    { cmd: 'logsift detect app.log --format json', what: 'check how a forced format reads the file' },
  ],
  use: 'Use when a file parses badly: the format each file was read as.',
  uses: ['open', 'Investigation.detect'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const files = await inv.detect({ signal: ctx.signal });
    const formats: Record<string, number> = {};
    for (const f of files) formats[f.format] = (formats[f.format] ?? 0) + 1;
    return { data: { files }, summary: { files: files.length, formats }, found: files.length > 0 };
  },
  text: (raw, ctx) => {
    const files = (raw as { files?: Detection[] }).files ?? [];
    const c = colors(ctx);
    // Two shares of the sample, named apart (one "confidence" column read 46% beside a layout
    // line saying 100% for apt's history.log): lines that start a record, and lines the layout
    // explains (record starts plus the continuation lines it recognises).
    const pct = (x: number) => `${Math.round(x * 100)}%`;
    const head = table(
      ['file', 'format', 'record starts', 'explained', 'entries'],
      files.map((f) => [f.path, f.format, pct(f.confidence), pct(f.layout.confidence), formatCount(f.entries)]),
      ctx,
    );
    // One readable line per file: what was understood, and a note where the evidence is weak.
    const layouts = files.flatMap((f) => [`${c.bold(f.path)}  ${f.layout.summary}`, ...(f.layout.note ? [c.yellow(`  note: ${f.layout.note}`)] : [])]);
    return [head, '', ...layouts].join('\n');
  },
};
