import { OUTPUT_FLAGS } from '../flags.js';
import type { CommandDef } from '../spec.js';

/** The rows of a logsift export (or a mapped table) as JSON lines on stdout. */
export const dbToJsonlCommand: CommandDef = {
  name: 'db-to-jsonl',
  summary: 'Stream the entries of a SQLite database written by export as JSON lines.',
  args: [{ name: 'db', description: 'the SQLite database file', required: true }],
  flags: OUTPUT_FLAGS.filter((f) => f.name === 'no-color'),
  examples: [{ cmd: 'logsift db-to-jsonl logs.sqlite > logs.jsonl', what: 'back to JSON lines' }],
  uses: ['@logsift/sqlite-export dbToJsonl'],
  envelope: false,
  mcp: false,
  run: async (ctx) => {
    const { dbToJsonl } = await import('@logsift/sqlite-export');
    const result = await dbToJsonl(ctx.args[0] ?? '', process.stdout, undefined, { signal: ctx.signal });
    return { data: result, summary: { rows: result.rows }, found: result.rows > 0 };
  },
  text: () => '',
};
