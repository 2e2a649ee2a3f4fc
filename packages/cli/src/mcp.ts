import { inputSchema, toolFlags } from './describe.js';
import { CliError, describeError, EXIT } from './envelope.js';
import { execute } from './execute.js';
import { allCommands } from './registry.js';
import { optionKey, type CommandDef, type FlagValue, type Options } from './spec.js';
import { VERSION } from './version.js';

/** Tool results are bounded for a model's context window unless the caller sets maxBytes. */
export const MCP_DEFAULT_MAX_BYTES = 65_536;

/** The commands offered as tools. */
export function toolCommands(): CommandDef[] {
  return allCommands().filter((d) => d.mcp !== false);
}

function typeError(key: string, expected: string): CliError {
  return new CliError('USAGE', `argument '${key}' must be ${expected}`, 'see the tool input schema', key);
}

/** Checks tool arguments against the definition (the same rules as the CLI parser) and applies defaults. */
export function toolInputs(def: CommandDef, input: Record<string, unknown>): { args: string[]; options: Options } {
  const flags = new Map(toolFlags(def).map((f) => [optionKey(f), f]));
  const argNames = new Set(def.args.map((a) => a.name));
  const byArg = new Map<string, string[]>();
  const options: Options = {};
  for (const [key, value] of Object.entries(input)) {
    if (argNames.has(key)) {
      const list = typeof value === 'string' ? [value] : value;
      if (!Array.isArray(list) || !list.every((v) => typeof v === 'string')) throw typeError(key, 'an array of strings');
      byArg.set(key, list as string[]);
      continue;
    }
    const flag = flags.get(key);
    if (!flag) throw new CliError('USAGE', `unknown argument '${key}' for ${def.name}`, `valid: ${[...argNames, ...flags.keys()].join(', ')}`, key);
    let v: FlagValue;
    switch (flag.type) {
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value) || (flag.min !== undefined && value < flag.min)) {
          throw typeError(key, `an integer${flag.min !== undefined ? ` >= ${flag.min}` : ''}`);
        }
        v = value;
        break;
      case 'boolean':
        if (typeof value !== 'boolean') throw typeError(key, 'true or false');
        v = value;
        break;
      case 'string[]':
      case 'list':
        if (!Array.isArray(value) || !value.every((x) => typeof x === 'string')) throw typeError(key, 'an array of strings');
        v = value as string[];
        break;
      default:
        if (typeof value !== 'string') throw typeError(key, 'a string');
        if (flag.choices && !flag.choices.includes(value)) throw typeError(key, `one of ${flag.choices.join(', ')}`);
        v = value;
    }
    options[key] = v;
  }
  for (const [key, flag] of flags) {
    if (options[key] === undefined && flag.default !== undefined) options[key] = flag.default;
    if (options[key] === undefined && flag.required) throw new CliError('USAGE', `missing required argument '${key}'`, undefined, key);
  }
  // Positionals in their declared order, whatever the order of the tool's keys.
  const args: string[] = [];
  for (const a of def.args) {
    const given = byArg.get(a.name) ?? [];
    if (a.required && given.length === 0) throw new CliError('USAGE', `missing required argument '${a.name}'`, undefined, a.name);
    args.push(...given);
  }
  return { args, options };
}

/** Runs one tool call; the result text is the same envelope the CLI prints. */
export async function callTool(name: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<{ text: string; isError: boolean }> {
  const def = toolCommands().find((d) => d.name === name);
  if (!def) {
    const error = describeError(new CliError('USAGE', `unknown tool '${name}'`, 'list the tools first'));
    return { text: JSON.stringify({ ok: false, command: name, error }), isError: true };
  }
  let parsed: { args: string[]; options: Options };
  try {
    parsed = toolInputs(def, input);
  } catch (error) {
    return { text: JSON.stringify({ ok: false, command: name, inputs: input, error: describeError(error) }), isError: true };
  }
  if (parsed.options['maxBytes'] === undefined && def.flags.some((f) => f.name === 'max-bytes')) parsed.options['maxBytes'] = MCP_DEFAULT_MAX_BYTES;
  const { envelope, exitCode } = await execute(def, parsed.args, parsed.options, { pretty: false, progress: false, ...(signal ? { signal } : {}) });
  return { text: JSON.stringify(envelope), isError: exitCode >= EXIT.usage };
}

/** Serves the commands as MCP tools over stdio until the client disconnects. */
export async function serveMcp(): Promise<void> {
  // Imported here, not at the top: the CLI is bundled into one file and only `logsift mcp`
  // should pay for loading the SDK.
  const [{ Server }, { StdioServerTransport }, { CallToolRequestSchema, ListToolsRequestSchema }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/server/stdio.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  const server = new Server({ name: 'logsift', version: VERSION }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: toolCommands().map((d) => ({
      name: d.name,
      description: `${d.summary} Returns the logsift JSON envelope (ok, data, summary, truncated, error); at most ${MCP_DEFAULT_MAX_BYTES} bytes unless maxBytes is set.`,
      inputSchema: inputSchema(d) as { type: 'object'; properties?: Record<string, object> },
    })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { text, isError } = await callTool(request.params.name, request.params.arguments ?? {}, extra.signal);
    return { content: [{ type: 'text', text }], isError };
  });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new StdioServerTransport());
  await closed;
}
