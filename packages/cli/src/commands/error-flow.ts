import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { idFlags, plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: what led to errors. */
export const errorFlowCommand = plannedCommand({
  name: 'error-flow',
  summary: 'What led to errors: the first error, how it spread across threads/requests/services, and what preceded it.',
  method: 'errorFlow',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...idFlags(false),
    ...QUERY_FLAGS,
    { name: 'depth', type: 'integer', group: 'command', min: 1, valueName: 'n', description: 'at most n levels deep' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift error-flow logs/ --service checkout', what: 'how errors in checkout came about' }],
  toArgs: (o) => ({ id: o['id'], kind: o['kind'], maxDepth: o['depth'], query: toQuery(o) }),
});
