import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { idFlags, plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the span/call tree of a trace or request. */
export const hierarchyCommand = plannedCommand({
  name: 'hierarchy',
  summary: 'The span / call tree of a trace or request, with durations and errors per node.',
  method: 'hierarchy',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...idFlags(true),
    ...QUERY_FLAGS,
    { name: 'depth', type: 'integer', group: 'command', min: 1, valueName: 'n', description: 'at most n levels deep' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift hierarchy traces.jsonl --id 4bf92f35', what: 'the call tree of one trace' }],
  toArgs: (o) => ({ id: o['id'], kind: o['kind'], maxDepth: o['depth'], query: toQuery(o) }),
});
