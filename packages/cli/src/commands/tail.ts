import { tail, type TailResult } from '@logsift/api';
import { OUTPUT_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount } from '../render.js';
import { renderEntries, type EntryLike } from '../render-entries.js';
import type { CommandDef } from '../spec.js';
import { toWatchOptions, WATCH_FLAGS, watchSources } from './watch.js';

/**
 * `logsift tail`: the matching entries written since a cursor, and the next cursor. The
 * polling form of `watch`, for agents (an MCP tool): each call returns what is new.
 */
export const tailCommand: CommandDef = {
  name: 'tail',
  summary: 'What is new since a cursor: the matching entries written since the last call, and the cursor for the next one.',
  description:
    'One look at files being written: without --cursor it starts at their end (or --from-start / --last 5m) and returns the cursor; with the cursor of the previous call it returns the matching entries written since, each once, through rotation and new files. The cursor holds, per file, its inode and the first byte not yet returned (an unfinished last line waits for the next call).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    // tools/list is kept small: the replay flags are for the terminal (an agent starts at the end).
    ...WATCH_FLAGS.map((f) => ({ ...f, cliOnly: true })),
    { name: 'cursor', type: 'string', group: 'paging', valueName: 'token', description: "the previous call's cursor" },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 1, valueName: 'n', description: 'about n entries at most', default: 1000 },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: "logsift tail app.log -q 'level>=error'", what: 'start: returns a cursor at the end' },
    { cmd: "logsift tail app.log -q 'level>=error' --cursor <cursor>", what: 'the errors written since' },
  ],
  use: 'Use to see what a live log gained since the last call (pass back its cursor).',
  uses: ['tail'],
  run: async (ctx) => {
    const sources = watchSources(ctx.args, ctx.options);
    const cursor = ctx.options['cursor'];
    const limit = ctx.options['limit'];
    const maxBytes = ctx.options['maxBytes'];
    const result = await tail(sources, {
      ...toWatchOptions(ctx.options),
      ...(typeof cursor === 'string' ? { cursor } : {}),
      ...(typeof limit === 'number' ? { limit } : {}),
      // Entries that --max-bytes would cut must not be skipped by the cursor: the engine
      // returns what fits in half the budget (the rest of the envelope takes the other half)
      // and sets the cursor before the first entry left out.
      ...(typeof maxBytes === 'number' ? { maxBytes: Math.floor(maxBytes / 2) } : {}),
    });
    return {
      data: result,
      summary: { returned: result.entries.length, more: result.more, cursor: result.cursor, ...(result.lost.length ? { lost: result.lost } : {}) },
      found: result.entries.length > 0,
    };
  },
  text: (raw, ctx) => {
    const r = raw as Partial<TailResult>;
    const c = colors(ctx);
    const entries = (r.entries ?? []) as EntryLike[];
    const out: string[] = [];
    if (entries.length > 0) out.push(renderEntries(entries, ctx), '');
    out.push(c.bold(`${formatCount(entries.length)} new entr${entries.length === 1 ? 'y' : 'ies'}${r.more ? ' (more: call again)' : ''}`));
    if (r.lost?.length) out.push(c.yellow(`rotated away since the cursor: ${r.lost.join(', ')}`));
    if (r.cursor) out.push(c.dim(`next: --cursor ${r.cursor}`));
    return out.join('\n');
  },
};
