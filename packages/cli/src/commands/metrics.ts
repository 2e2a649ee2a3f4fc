import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: numeric fields over time (count, min, max, percentiles per bucket). */
export const metricsCommand = plannedCommand({
  name: 'metrics',
  summary: 'Numeric fields over time: count, min, max, mean, percentiles per bucket, and anomalies.',
  method: 'metrics',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'field', type: 'list', group: 'command', valueName: 'names', description: 'numeric fields (duration_ms,status); default: every numeric field' },
    { name: 'bucket-ms', type: 'integer', group: 'command', min: 1, valueName: 'ms', description: 'bucket size in ms; chosen from the range by default' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift metrics app.jsonl --field duration_ms --bucket-ms 300000', what: 'latency percentiles per 5 minutes' }],
  toArgs: (o) => ({ fields: o['field'], bucketMs: o['bucketMs'], query: toQuery(o) }),
});
