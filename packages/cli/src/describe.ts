import { EXIT } from './envelope.js';
import { COMPACT_KEYS } from './project.js';
import { optionKey, type CommandDef, type FlagDef } from './spec.js';

type JsonSchema = Record<string, unknown>;

function flagSchema(flag: FlagDef): JsonSchema {
  const s: JsonSchema = { description: flag.description };
  switch (flag.type) {
    case 'integer':
      s['type'] = 'integer';
      if (flag.min !== undefined) s['minimum'] = flag.min;
      break;
    case 'boolean':
      s['type'] = 'boolean';
      break;
    case 'string[]':
    case 'list':
      s['type'] = 'array';
      s['items'] = { type: 'string' };
      break;
    default:
      s['type'] = 'string';
  }
  if (flag.choices) s['enum'] = [...flag.choices];
  if (flag.default !== undefined) s['default'] = flag.default;
  return s;
}

/** The flags a tool (MCP) may pass: terminal-only ones (--pretty, --text, ...) left out. */
export function toolFlags(def: CommandDef): FlagDef[] {
  return def.flags.filter((f) => !f.cliOnly);
}

/** JSON Schema of a command's input: positional arguments and flags by option key. */
export function inputSchema(def: CommandDef): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const a of def.args) {
    properties[a.name] = a.variadic
      ? { type: 'array', items: { type: 'string' }, description: a.description, ...(a.required ? { minItems: 1 } : {}) }
      : { type: 'string', description: a.description };
    if (a.required) required.push(a.name);
  }
  for (const f of toolFlags(def)) {
    properties[optionKey(f)] = flagSchema(f);
    if (f.required) required.push(optionKey(f));
  }
  return { type: 'object', properties, required, additionalProperties: false };
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
      output: d.envelope === false ? 'json-lines' : 'envelope',
      inputSchema: inputSchema(d),
    })),
  };
}
