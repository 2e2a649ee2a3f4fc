import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { idFlags, plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: entries per time bucket by level, with bursts marked. */
export const timelineCommand = plannedCommand({
  name: 'timeline',
  summary: 'The story of one id (or the scope) in time order: steps across services, with gaps marked.',
  method: 'timeline',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...idFlags(false),
    ...QUERY_FLAGS,
    { name: 'gap-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'mark silences longer than this' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 100, description: 'at most n steps' },
    { name: 'offset', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'skip the first n steps' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift timeline logs/ --id 7f3a9c --gap-ms 500', what: 'one request step by step, silences over 500 ms marked' }],
  toArgs: (o) => ({ id: o['id'], kind: o['kind'], gapMs: o['gapMs'], limit: o['limit'], offset: o['offset'], query: toQuery(o) }),
});
