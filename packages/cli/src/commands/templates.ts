import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: message templates (log patterns) with counts. */
export const templatesCommand = plannedCommand({
  name: 'templates',
  summary: 'Message templates (log patterns with the variable parts masked), most frequent first, with examples.',
  method: 'templates',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', default: 50, description: 'at most n templates' },
    { name: 'min-count', type: 'integer', group: 'command', min: 1, valueName: 'n', description: 'only templates seen at least n times' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift templates logs/ --level error', what: 'the kinds of errors, by frequency' }],
  toArgs: (o) => ({ ...toQuery(o), limit: o['limit'], minCount: o['minCount'] }),
});
