import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the entries around one entry (by entry number, as search returns it). */
export const contextCommand = plannedCommand({
  name: 'context',
  summary: 'The entries around one entry, by its number (id) from search or follow.',
  method: 'context',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'entry', type: 'integer', group: 'command', min: 0, valueName: 'id', required: true, description: 'the entry number (id) to look around' },
    ...CONTEXT_FLAGS,
    { name: 'same', type: 'string', group: 'command', choices: ['file', 'thread', 'request', 'trace'], default: 'file', description: 'neighbours from the same file, thread, request or trace' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift context logs/ --entry 1019 -C 5', what: 'five entries either side of entry 1019' }],
  toArgs: (o) => ({ id: o['entry'], context: o['context'], before: o['beforeContext'], after: o['afterContext'], same: o['same'] }),
});
