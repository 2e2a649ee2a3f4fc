import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: what led to errors. */
export const errorFlowCommand = plannedCommand({
  name: 'error-flow',
  summary: 'What led to errors: the first error, how it spread across threads/requests/services, and what preceded it.',
  method: 'errorFlow',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'window', type: 'string', group: 'command', valueName: 'span', default: '30s', description: 'how far back before each error to look' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 20, description: 'at most n error chains' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift error-flow logs/ --service checkout', what: 'how errors in checkout came about' }],
  toArgs: (o) => ({ ...toQuery(o), window: o['window'], limit: o['limit'] }),
});
