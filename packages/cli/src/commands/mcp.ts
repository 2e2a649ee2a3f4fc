import { JSON_TEXT_FLAGS } from '../flags.js';
import type { CommandDef } from '../spec.js';

/** `logsift mcp`: the commands it is given as Model Context Protocol tools over stdio. */
export function mcpCommand(tools: () => CommandDef[]): CommandDef {
  return {
    name: 'mcp',
    summary: 'Serve every command as a Model Context Protocol tool over stdio.',
    args: [],
    // MCP speaks JSON-RPC whatever is asked: --json and --text are accepted and change nothing.
    flags: JSON_TEXT_FLAGS,
    examples: [
      { cmd: 'logsift mcp', what: 'start the server (an MCP client spawns it)' },
      { cmd: 'claude mcp add logsift -- npx logsift mcp', what: 'register it with an MCP client' },
    ],
    uses: ['@modelcontextprotocol/sdk Server'],
    envelope: false,
    mcp: false,
    run: async () => {
      const { serveMcp } = await import('../mcp.js');
      await serveMcp(tools());
      return { data: null, found: true };
    },
    text: () => '',
  };
}
