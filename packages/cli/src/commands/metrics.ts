import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: numeric fields over time (count, min, max, percentiles per bucket). */
export const metricsCommand = plannedCommand({
  name: 'metrics',
  summary: 'A numeric field over time: count, min, max, mean and percentiles per bucket.',
  method: 'metrics',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'field', type: 'string', group: 'command', valueName: 'name', required: true, description: 'the numeric field (duration_ms, status, ...)' },
    { name: 'bucket', type: 'string', group: 'command', valueName: 'size', description: 'bucket size (1m, 1h); chosen from the range by default' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift metrics app.jsonl --field duration_ms --bucket 5m', what: 'latency percentiles per 5 minutes' }],
  toArgs: (o) => ({ ...toQuery(o), field: o['field'], bucket: o['bucket'] }),
});
