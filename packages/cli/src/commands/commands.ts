import { describeCommands } from '../describe.js';
import { OUTPUT_FLAGS } from '../flags.js';
import { colors, table } from '../render.js';
import type { CommandDef } from '../spec.js';

interface Described {
  commands: { name: string; summary: string }[];
}

/** `logsift commands`: describes the commands it is given (the registry passes them all, itself included). */
export function commandsCommand(all: () => CommandDef[]): CommandDef {
  return {
    name: 'commands',
    summary: 'Describe every command, argument and flag (types, defaults) as JSON, for agents.',
    args: [],
    flags: OUTPUT_FLAGS,
    examples: [
      { cmd: 'logsift commands --json', what: 'the machine-readable description' },
      { cmd: "logsift commands --json | jq '.commands[].name'", what: 'just the names' },
    ],
    uses: [],
    mcp: false,
    run: async () => ({ data: describeCommands(all()), found: true }),
    text: (raw, ctx) => {
      const d = raw as Partial<Described>;
      const c = colors(ctx);
      const out = [table(['command', 'what it does'], (d.commands ?? []).map((x) => [c.bold(x.name), x.summary]), ctx)];
      out.push('', c.dim('logsift <command> --help for flags and examples; --json for this list as JSON'));
      return out.join('\n');
    },
  };
}
