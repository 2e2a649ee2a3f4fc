import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the slowest operations and where time goes. */
export const bottlenecksCommand = plannedCommand({
  name: 'bottlenecks',
  summary: 'The slowest operations, spans and gaps: where the time goes.',
  method: 'bottlenecks',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'by', type: 'string', group: 'command', choices: ['span', 'template', 'request', 'thread'], default: 'template', description: 'group durations by' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 20, description: 'at most n rows' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift bottlenecks logs/ --last 1h --by span', what: 'slowest spans of the last hour' }],
  toArgs: (o) => ({ ...toQuery(o), by: o['by'], limit: o['limit'] }),
});
