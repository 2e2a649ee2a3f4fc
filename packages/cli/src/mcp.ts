import { inputSchema, sharedParameters, toolFlags } from './describe.js';
import { CliError, describeError, EXIT, type Envelope } from './envelope.js';
import { execute } from './execute.js';
import { LineTransport } from './mcp-stdio.js';
import { optionKey, type CommandDef, type FlagValue, type Options } from './spec.js';
import { VERSION } from './version.js';

/** Tool results are bounded for a model's context window unless the caller sets maxBytes. */
export const MCP_DEFAULT_MAX_BYTES = 65_536;

/**
 * What every tool shares, said once (the server's instructions) instead of in each tool's
 * schema, generated from the same flag definitions: a new shared flag is described here
 * without a word written for it.
 */
export function mcpInstructions(tools: CommandDef[]): string {
  return [
    'logsift investigates log files. Start with triage (or summarize), then narrow down with search, count, follow, hierarchy, error-flow.',
    "Parameters the tools share, described here once (each tool's schema gives their types; * marks those every tool accepts without listing them):",
    ...sharedParameters(tools).map((p) => `- ${p.common ? '*' : ''}${p.key} (${p.type}): ${p.description}`),
    'Sources are paths on the server\'s machine; stdin (-) is the MCP channel and is refused. Flags named --x-y in descriptions are the parameters xY here.',
    'query is the compact query: words and "phrases" (all must occur), a OR b, -word, /regex/i, level>=warn, level:error,fatal, service:x, thread:t, request:r, trace:t, span:s, field conditions (status>=500, user.id=42, has:field), after:/before: (RFC 3339 or -15m), last:1h, file:name.',
    `Every result is the logsift envelope {ok, command, inputs, data, summary, truncated, error, elapsedMs} as structuredContent and as JSON text, at most maxBytes (default ${MCP_DEFAULT_MAX_BYTES}) bytes: the largest list is cut and truncated says so. An error has error.code, message and hint.`,
  ].join('\n');
}

/**
 * The output schema of every tool: the envelope, whose keys the instructions list (the data's
 * shape is per command; see the CLI README). Kept to its bones, an object: it is repeated in
 * every tool, and the 12 KB tools/list budget is worth more than a `required` list per tool.
 */
export const ENVELOPE_SCHEMA = { type: 'object' } as const;

/** The tools/list entry of a command: when to use it, its parameters, the envelope it returns. */
export function toolDescriptor(def: CommandDef): { name: string; description: string; inputSchema: { type: 'object' }; outputSchema: typeof ENVELOPE_SCHEMA } {
  return { name: def.name, description: def.use ?? def.summary, inputSchema: inputSchema(def, { brief: true }) as { type: 'object' }, outputSchema: ENVELOPE_SCHEMA };
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
      // The server's stdin carries JSON-RPC: reading logs from it would eat the protocol.
      if (key === 'sources' && list.includes('-')) throw new CliError('USAGE', "stdin ('-') is the MCP channel, not a log source", 'pass file paths', key);
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

/** A tool call's result: the same envelope the CLI prints, as structured content and as its JSON text. */
export interface ToolResult {
  envelope: Envelope | Record<string, unknown>;
  text: string;
  isError: boolean;
}

/** Runs one tool call. */
export async function callTool(tools: CommandDef[], name: string, input: Record<string, unknown>, signal?: AbortSignal): Promise<ToolResult> {
  const failed = (envelope: Record<string, unknown>): ToolResult => ({ envelope, text: JSON.stringify(envelope), isError: true });
  const def = tools.find((d) => d.name === name);
  if (!def) return failed({ ok: false, command: name, error: describeError(new CliError('USAGE', `unknown tool '${name}'`, 'list the tools first')) });
  let parsed: { args: string[]; options: Options };
  try {
    parsed = toolInputs(def, input);
  } catch (error) {
    return failed({ ok: false, command: name, inputs: input, error: describeError(error) });
  }
  if (parsed.options['maxBytes'] === undefined && def.flags.some((f) => f.name === 'max-bytes')) parsed.options['maxBytes'] = MCP_DEFAULT_MAX_BYTES;
  const { envelope, exitCode } = await execute(def, parsed.args, parsed.options, { pretty: false, progress: false, ...(signal ? { signal } : {}) });
  return { envelope, text: JSON.stringify(envelope), isError: exitCode >= EXIT.usage };
}

/** Serves the commands as MCP tools over stdio until stdin ends (then exits 0). */
export async function serveMcp(tools: CommandDef[]): Promise<void> {
  // Imported here, not at the top: the CLI is bundled into one file and only `logsift mcp`
  // should pay for loading the SDK.
  const [{ Server }, { CallToolRequestSchema, JSONRPCMessageSchema, ListToolsRequestSchema }] = await Promise.all([
    import('@modelcontextprotocol/sdk/server/index.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  const server = new Server({ name: 'logsift', version: VERSION }, { capabilities: { tools: {} }, instructions: mcpInstructions(tools) });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: tools.map(toolDescriptor) }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { envelope, text, isError } = await callTool(tools, request.params.name, request.params.arguments ?? {}, extra.signal);
    return { content: [{ type: 'text', text }], structuredContent: envelope as Record<string, unknown>, isError };
  });
  const closed = new Promise<void>((resolve) => {
    server.onclose = () => resolve();
  });
  await server.connect(new LineTransport((v) => JSONRPCMessageSchema.safeParse(v).success));
  await closed;
}
