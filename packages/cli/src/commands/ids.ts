import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the ids seen (threads, requests, traces, spans, services) with counts and spans of time. */
export const idsCommand = plannedCommand({
  name: 'ids',
  summary: 'Threads, requests, traces, spans or services seen, with counts, first/last time and error counts.',
  method: 'ids',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'kind', type: 'string', group: 'command', choices: ['thread', 'request', 'trace', 'span', 'service'], default: 'request', description: 'which ids' },
    { name: 'sort', type: 'string', group: 'command', choices: ['count', 'name', 'first'], default: 'count', description: 'most entries first, by name, or earliest first' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 50, description: 'at most n ids, most frequent first' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift ids logs/ --kind request --level error', what: 'requests that logged errors' },
    { cmd: 'logsift ids logs/ --kind thread', what: 'busiest threads' },
  ],
  toArgs: (o) => ({ kind: o['kind'], sort: o['sort'], limit: o['limit'], query: toQuery(o) }),
});
