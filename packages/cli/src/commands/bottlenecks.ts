import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { idFlags, plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the slowest operations and where time goes. */
export const bottlenecksCommand = plannedCommand({
  name: 'bottlenecks',
  summary: 'Where the time of one trace or request goes: the slowest nodes of its tree, with self time and share.',
  method: 'bottlenecks',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...idFlags(true),
    ...QUERY_FLAGS,
    { name: 'threshold-ms', type: 'integer', group: 'command', min: 0, valueName: 'ms', description: 'only nodes at least this slow' },
    { name: 'depth', type: 'integer', group: 'command', min: 1, valueName: 'n', description: 'at most n levels deep' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 20, description: 'at most n rows' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift bottlenecks traces.jsonl --id 4bf92f35 --threshold-ms 100', what: 'nodes of one trace slower than 100 ms' }],
  toArgs: (o) => ({ id: o['id'], kind: o['kind'], thresholdMs: o['thresholdMs'], maxDepth: o['depth'], limit: o['limit'], query: toQuery(o) }),
});
