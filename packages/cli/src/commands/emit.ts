import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { projectEntries } from '../project.js';
import type { CommandDef } from '../spec.js';

const BATCH = 2000;

/**
 * Streams every entry as one JSON object per line, in batches (memory stays flat).
 * Query flags come with `inv.iterate` (planned api); until then it emits all entries.
 */
export const emitCommand: CommandDef = {
  name: 'emit',
  summary: 'Stream entries as JSON lines (one object per line), for jq, pipes and other tools.',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...OUTPUT_FLAGS.filter((f) => f.name !== 'pretty' && f.name !== 'text' && f.name !== 'json')],
  examples: [
    { cmd: "logsift emit app.log --fields time,level,message | jq -c 'select(.level==\"ERROR\")'", what: 'entries as JSON lines into jq' },
    { cmd: 'logsift emit logs/ --compact --max-bytes 100000', what: 'short keys, stop before 100 KB' },
  ],
  uses: ['open', 'Investigation.stats', 'Investigation.entries'],
  envelope: false,
  mcp: false,
  run: async (ctx) => {
    const inv = await ctx.open();
    const { entries: total } = await inv.stats({ signal: ctx.signal });
    const fields = ctx.options['fields'] as string[] | undefined;
    const compact = ctx.options['compact'] === true;
    const maxBytes = typeof ctx.options['maxBytes'] === 'number' ? ctx.options['maxBytes'] : Infinity;
    let bytes = 0;
    let emitted = 0;
    outer: for (let start = 0; start < total; start += BATCH) {
      const ids = Array.from({ length: Math.min(BATCH, total - start) }, (_, i) => start + i);
      const batch = projectEntries(await inv.entries(ids), fields, compact) as unknown[];
      let chunk = '';
      for (const e of batch) {
        const line = `${JSON.stringify(e)}\n`;
        const size = Buffer.byteLength(line);
        if (bytes + size > maxBytes) {
          await ctx.write(chunk);
          break outer;
        }
        bytes += size;
        emitted += 1;
        chunk += line;
      }
      await ctx.write(chunk);
    }
    return {
      data: { emitted, total, bytes },
      summary: { emitted, total, ...(emitted < total ? { truncated: { kept: emitted, total } } : {}) },
      found: emitted > 0,
    };
  },
  text: () => '',
};
