import { QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG, STREAM_OUTPUT_FLAGS, outFlag } from '../flags.js';
import { openOutFile } from '../out-file.js';
import { jsonLine, LineBudget } from '../line-budget.js';
import { formatCount, keyValues } from '../render.js';
import { ALL_FIELDS_FLAG, toQuery } from '../query.js';
import type { CommandDef } from '../spec.js';

/** Entries per write: large enough to amortize the pipe, small enough to stream. */
const BATCH = 2000;

/**
 * Streams matching entries as one JSON object per line (inv.iterate: batches, flat memory).
 * stdout carries only entries; an error is the usual envelope, a --max-bytes cut a JSON line
 * on stderr.
 */
export const emitCommand: CommandDef = {
  name: 'emit',
  summary: 'Stream matching entries as JSON lines (one object per line), for jq, pipes and other tools.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    ALL_FIELDS_FLAG,
    outFlag('file.jsonl', 'write the JSON lines to this file (and print the envelope) instead of stdout'),
    // --json and --text are accepted and change nothing: the output is JSON lines either way.
    ...STREAM_OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift emit app.log --level error --fields time,level,message', what: 'errors as JSON lines' },
    { cmd: "logsift emit logs/ -q timeout | jq -r '.message'", what: 'into jq' },
    { cmd: 'logsift emit logs/ --compact --max-bytes 100000', what: 'short keys, stop before 100 KB' },
  ],
  uses: ['open', 'Investigation.iterate'],
  writesFile: true,
  envelope: (options) => typeof options['out'] === 'string',
  mcp: false,
  run: async (ctx) => {
    const inv = await ctx.open();
    const path = ctx.options['out'];
    const file = typeof path === 'string' ? openOutFile(path) : undefined;
    const write = file ? file.write : ctx.write;
    const query = toQuery(ctx.options);
    const budget = new LineBudget(ctx.options);
    let chunk = '';
    for await (const entry of inv.iterate(query, { batchSize: BATCH, fields: ctx.options['allFields'] === true, signal: ctx.signal })) {
      const line = jsonLine(entry, ctx.options);
      if (!budget.take(line)) break;
      chunk += line;
      if (budget.lines % BATCH === 0) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
    await file?.close();
    // Cut short by --max-bytes: count the rest without materializing it.
    const { lines: emitted, bytes, full } = budget;
    const matched = full ? (await inv.count(query, { signal: ctx.signal })).total : emitted;
    return {
      data: { emitted, matched, bytes, ...(typeof path === 'string' ? { out: path } : {}) },
      summary: { emitted, matched, ...(emitted < matched ? { truncated: { kept: emitted, total: matched } } : {}) },
      found: matched > 0,
    };
  },
  text: (raw, ctx) => {
    const d = raw as { emitted?: number; matched?: number; out?: string };
    return keyValues([['wrote', `${formatCount(d.emitted ?? 0)} of ${formatCount(d.matched ?? 0)} matching entries to ${d.out ?? 'stdout'}`]], ctx);
  },
};
