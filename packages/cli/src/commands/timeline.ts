import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: entries per time bucket by level, with bursts marked. */
export const timelineCommand = plannedCommand({
  name: 'timeline',
  summary: 'Entries per time bucket by level, with bursts and silences marked.',
  method: 'timeline',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'bucket', type: 'string', group: 'command', valueName: 'size', description: 'bucket size (1m, 1h); chosen from the range by default' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift timeline logs/ --bucket 1m --level error', what: 'errors per minute' }],
  toArgs: (o) => ({ ...toQuery(o), bucket: o['bucket'] }),
});
