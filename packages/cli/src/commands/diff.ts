import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: templates that appear, vanish or change between two scopes. */
export const diffCommand = plannedCommand({
  name: 'diff',
  summary: 'Message templates that appear, vanish or change in frequency between two scopes.',
  method: 'diff',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'a', type: 'string', group: 'command', valueName: 'q', required: true, description: 'baseline scope as a compact query' },
    { name: 'b', type: 'string', group: 'command', valueName: 'q', required: true, description: 'scope to compare with the baseline' },
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 30, description: 'at most n templates per change kind' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: "logsift diff logs/ --a 'last:2h before:-1h' --b 'last:1h'", what: 'what is new in the last hour' }],
  toArgs: (o) => ({ a: { q: o['a'] }, b: { q: o['b'] }, limit: o['limit'] }),
});
