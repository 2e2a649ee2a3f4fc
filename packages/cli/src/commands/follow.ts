import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { idFlags, plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: everything one thread, request or trace did, in order. */
export const followCommand = plannedCommand({
  name: 'follow',
  summary: 'Everything one thread, request or trace did, in time order, across files.',
  method: 'follow',
  args: [SOURCES_ARG],
  flags: [...SOURCE_FLAGS, ...idFlags(true), ...QUERY_FLAGS, ...PAGING_FLAGS.filter((f) => f.name === 'limit' || f.name === 'offset'), ...OUTPUT_FLAGS],
  examples: [
    { cmd: 'logsift follow logs/ --id 7f3a9c', what: 'one request (or thread, trace) end to end' },
    { cmd: 'logsift follow logs/ --id 4bf92f35 --kind trace --level warn,error', what: 'the warnings and errors of one trace' },
  ],
  toArgs: (o) => ({ id: o['id'], kind: o['kind'], limit: o['limit'], offset: o['offset'], query: toQuery(o) }),
});
