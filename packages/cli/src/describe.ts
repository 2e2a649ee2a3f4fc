import { EXIT } from './envelope.js';
import { COMPACT_KEYS } from './project.js';
import { optionKey, type CommandDef, type FlagDef } from './spec.js';

type JsonSchema = Record<string, unknown>;

/** Flag groups every command shares: an MCP server describes them once, in its instructions. */
const SHARED_GROUPS = new Set<FlagDef['group']>(['source', 'query', 'output', 'paging', 'context', 'id']);

function flagSchema(flag: FlagDef, brief: boolean): JsonSchema {
  const shared = brief && SHARED_GROUPS.has(flag.group);
  const s: JsonSchema = shared ? {} : { description: flag.description };
  switch (flag.type) {
    case 'integer':
      s['type'] = 'integer';
      // Brief (MCP) schemas leave the bound out: the server checks it and says so in its error.
      if (flag.min !== undefined && !brief) s['minimum'] = flag.min;
      break;
    case 'boolean':
      s['type'] = 'boolean';
      break;
    case 'string[]':
    case 'list':
      s['type'] = 'array';
      // Shared lists are lists of strings, as the instructions say.
      if (!shared) s['items'] = { type: 'string' };
      break;
    default:
      s['type'] = 'string';
  }
  if (flag.choices) s['enum'] = [...flag.choices];
  if (flag.default !== undefined && !shared) s['default'] = flag.default;
  return s;
}

/** The flags a tool (MCP) may pass: terminal-only ones (--pretty, --text, ...) left out. */
export function toolFlags(def: CommandDef): FlagDef[] {
  return def.flags.filter((f) => !f.cliOnly);
}

/**
 * JSON Schema of a command's input: positional arguments and flags by option key. `brief`
 * (MCP tools/list) leaves out the descriptions of the shared parameters (sources, source,
 * query and output flags), which the server's instructions give once.
 */
export function inputSchema(def: CommandDef, { brief = false }: { brief?: boolean } = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const a of def.args) {
    const shared = brief && a.name === 'sources';
    properties[a.name] = a.variadic
      ? { type: 'array', ...(shared ? {} : { items: { type: 'string' }, description: a.description }), ...(a.required ? { minItems: 1 } : {}) }
      : { type: 'string', description: a.description };
    if (a.required) required.push(a.name);
  }
  for (const f of toolFlags(def)) {
    if (brief && f.common) continue;
    properties[optionKey(f)] = flagSchema(f, brief);
    if (f.required) required.push(optionKey(f));
  }
  // Brief schemas leave the common flags to the instructions, so they cannot forbid other keys;
  // the server still refuses a key the command does not take.
  return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...(brief ? {} : { additionalProperties: false }) };
}

function describeFlag(flag: FlagDef): Record<string, unknown> {
  return {
    flag: `--${flag.name}`,
    ...(flag.short ? { short: `-${flag.short}` } : {}),
    key: optionKey(flag),
    type: flag.type,
    group: flag.group,
    description: flag.description,
    ...(flag.default !== undefined ? { default: flag.default } : {}),
    ...(flag.choices ? { choices: flag.choices } : {}),
    ...(flag.min !== undefined ? { min: flag.min } : {}),
    ...(flag.required ? { required: true } : {}),
  };
}

/** `logsift commands --json`: every command, argument and flag, from the same definitions that parse them. */
export function describeCommands(defs: CommandDef[]): Record<string, unknown> {
  return {
    usage: 'logsift <command> [sources...] [flags]',
    exitCodes: { [EXIT.found]: 'found', [EXIT.nothing]: 'nothing found', [EXIT.usage]: 'bad usage or input', [EXIT.internal]: 'internal or I/O failure' },
    envelope: ['ok', 'command', 'inputs', 'data', 'summary', 'truncated', 'error', 'elapsedMs'],
    compactKeys: COMPACT_KEYS,
    commands: defs.map((d) => ({
      name: d.name,
      summary: d.summary,
      ...(d.description ? { description: d.description } : {}),
      arguments: d.args,
      flags: d.flags.map(describeFlag),
      examples: d.examples,
      uses: d.uses,
      // `own`: the command writes its own output (JSON lines, MCP); an error is still the envelope.
      output: d.envelope === undefined || d.envelope === true ? 'envelope' : d.envelope === false ? 'own' : 'own, or the envelope with --out',
      ...(d.writesFile ? { writesFile: true } : {}),
      mcp: d.mcp !== false,
      inputSchema: inputSchema(d),
    })),
  };
}

export interface SharedParameter {
  key: string;
  type: string;
  description: string;
  /** Accepted by every tool without being listed in its schema. */
  common: boolean;
}

const TYPE_WORDS: Record<FlagDef['type'], string> = { string: 'string', integer: 'integer', boolean: 'boolean', 'string[]': 'array of strings', list: 'array of strings' };

/** The parameters brief schemas list without a description, each once (first definition wins), for the MCP instructions. */
export function sharedParameters(defs: CommandDef[]): SharedParameter[] {
  const seen = new Map<string, SharedParameter>();
  for (const d of defs) {
    const sources = d.args.find((a) => a.name === 'sources');
    if (sources && !seen.has('sources')) seen.set('sources', { key: 'sources', type: 'array of strings', description: sources.description, common: false });
    for (const f of toolFlags(d)) {
      const key = optionKey(f);
      if (SHARED_GROUPS.has(f.group) && !seen.has(key)) seen.set(key, { key, type: TYPE_WORDS[f.type], description: f.description, common: f.common === true });
    }
  }
  return [...seen.values()];
}
