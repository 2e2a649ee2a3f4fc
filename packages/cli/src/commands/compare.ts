import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: two scopes side by side (counts, levels, templates, latency). */
export const compareCommand = plannedCommand({
  name: 'compare',
  summary: 'Two scopes side by side (e.g. before/after a deploy): counts, levels, top templates, ids.',
  method: 'compare',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'a', type: 'string', group: 'command', valueName: 'q', required: true, description: "first scope as a compact query ('before:2024-05-01T10:00Z')" },
    { name: 'b', type: 'string', group: 'command', valueName: 'q', required: true, description: "second scope as a compact query ('after:2024-05-01T10:00Z')" },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: "logsift compare logs/ --a 'before:2024-05-01T10:00Z' --b 'after:2024-05-01T10:00Z'", what: 'before and after a deploy' }],
  toArgs: (o) => ({ a: { q: o['a'] }, b: { q: o['b'] } }),
});
