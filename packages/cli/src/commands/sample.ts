import { CONTEXT_FLAGS, OUTPUT_FLAGS, PAGING_FLAGS, QUERY_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { plannedCommand } from '../planned.js';
import { toQuery } from '../query.js';

/** Planned: a representative sample (spread over time, templates and levels). */
export const sampleCommand = plannedCommand({
  name: 'sample',
  summary: 'A representative sample of entries: spread over time, templates and levels.',
  method: 'sample',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'strategy', type: 'string', group: 'command', choices: ['diverse', 'random', 'chronological', 'errors', 'head', 'tail', 'edges'], default: 'diverse', description: 'how to choose' },
    { name: 'size', short: 'n', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 20, description: 'how many entries' },
    { name: 'seed', type: 'integer', group: 'command', min: 0, valueName: 'n', default: 42, description: 'random seed (same seed, same sample)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift sample logs/ -n 30', what: 'thirty entries that show what the logs are like' }],
  toArgs: (o) => ({ strategy: o['strategy'], size: o['size'], seed: o['seed'], query: toQuery(o) }),
});
