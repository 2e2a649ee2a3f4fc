import type { CommandDef } from '../spec.js';

/** `logsift mcp`: the commands as Model Context Protocol tools over stdio. */
export const mcpCommand: CommandDef = {
  name: 'mcp',
  summary: 'Serve every command as a Model Context Protocol tool over stdio.',
  args: [],
  flags: [],
  examples: [
    { cmd: 'logsift mcp', what: 'start the server (an MCP client spawns it)' },
    { cmd: 'claude mcp add logsift -- npx logsift mcp', what: 'register it with an MCP client' },
  ],
  uses: ['@modelcontextprotocol/sdk Server'],
  envelope: false,
  mcp: false,
  run: async () => {
    const { serveMcp } = await import('../mcp.js');
    await serveMcp();
    return { data: null, found: true };
  },
  text: () => '',
};
