import { CONTEXT_FLAGS, OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';

/** Planned: the entries around one entry (by entry number, as search returns it). */
export const contextCommand = plannedCommand({
  name: 'context',
  summary: 'The entries around one line of a file (as search or follow show it).',
  method: 'context',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'file', type: 'string', group: 'command', valueName: 'path', required: true, description: 'the file of the entry (as search shows it)' },
    { name: 'line', type: 'integer', group: 'command', min: 1, valueName: 'n', required: true, description: 'its line number' },
    ...CONTEXT_FLAGS,
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift context logs/ --file logs/app.log --line 1020 -C 5', what: 'five entries either side of line 1020' }],
  toArgs: (o) => ({ file: o['file'], line: o['line'], before: o['beforeContext'] ?? o['context'], after: o['afterContext'] ?? o['context'] }),
});
