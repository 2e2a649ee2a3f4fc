import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: the first look: what is wrong, where, since when. */
export const triageCommand = plannedCommand({
  name: 'triage',
  summary: 'First look: error and warning hot spots, new or bursting templates, affected ids, since when.',
  method: 'triage',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'top', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 10, description: 'items per section' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift triage logs/', what: 'where to start' },
    { cmd: 'logsift triage logs/ --last 30m --service checkout', what: 'the last half hour of one service' },
  ],
  toArgs: (o) => ({ top: o['top'], query: toQuery(o) }),
});
