import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: everything one thread, request or trace did, in order. */
export const followCommand = plannedCommand({
  name: 'follow',
  summary: 'Everything one thread, request or trace did, in time order, across files.',
  method: 'follow',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...QUERY_FLAGS, ...PAGING_FLAGS, ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift follow logs/ --request 7f3a9c', what: 'one request end to end' },
    { cmd: 'logsift follow logs/ --trace 4bf92f35 --level warn,error', what: 'the warnings and errors of one trace' },
  ],
  toArgs: (o) => ({ ...toQuery(o), limit: o['limit'], offset: o['offset'], cursor: o['cursor'], order: o['order'] }),
});
