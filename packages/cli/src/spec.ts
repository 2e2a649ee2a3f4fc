import type { Investigation, OpenOptions } from '@logsift/api';

/**
 * Command definitions are data. The commander parser, `logsift commands --json` and the MCP
 * tool schemas are all generated from these objects, so they cannot drift apart.
 */

/** `string[]` is a repeatable flag; `list` is one comma-separated value (`--fields a,b`). */
export type FlagType = 'string' | 'integer' | 'boolean' | 'string[]' | 'list';

export type FlagValue = string | number | boolean | string[];

export interface FlagDef {
  /** Long name in kebab-case, without dashes: `max-bytes`. The option key is its camelCase. */
  name: string;
  short?: string;
  type: FlagType;
  description: string;
  default?: FlagValue;
  choices?: readonly string[];
  /** Placeholder in help: `--limit <n>`. */
  valueName?: string;
  /** Help section and the grouping in `commands --json`. */
  group: 'source' | 'query' | 'paging' | 'context' | 'id' | 'command' | 'output';
  /** Minimum for integers. */
  min?: number;
  /**
   * Not offered as an MCP tool parameter: terminal-only (--pretty), said by the compact `query`
   * (--level), or a tuning knob whose default serves an agent (a histogram's bucket size).
   */
  cliOnly?: boolean;
  /** The command cannot run without it. */
  required?: boolean;
  /**
   * Taken by every command and rarely needed: MCP tools/list leaves it out of each tool's
   * schema and the server's instructions describe it once (the tool still accepts it).
   */
  common?: boolean;
  /** A source flag: the `open()` option it sets (its value passed as is). */
  open?: keyof OpenOptions;
  /** A source flag that also applies to a `--db` source (others are refused with --db). */
  db?: boolean;
}

export interface ArgDef {
  name: string;
  description: string;
  variadic?: boolean;
  required?: boolean;
}

export interface Example {
  cmd: string;
  what: string;
}

export type Options = Record<string, FlagValue | undefined>;

/** What a command gets to do its work. */
export interface RunContext {
  /** Positional arguments as given (sources with `-` for stdin still echoed as `-`). */
  args: string[];
  options: Options;
  /** Opens the sources (files, dirs, globs, stdin) with the source flags; closed afterwards. */
  open(): Promise<Investigation>;
  signal: AbortSignal;
  /** Writes straight to stdout (streaming commands); resolves when the stream can take more. */
  write(chunk: string): Promise<void>;
}

/** A command's result before it becomes an envelope. */
export interface CommandResult {
  data: unknown;
  summary?: Record<string, unknown>;
  /** Whether anything was found (exit 0) or not (exit 1). */
  found: boolean;
}

/** Renders (possibly truncated) data for a terminal. */
export type TextRenderer = (data: unknown, ctx: RenderContext) => string;

export interface RenderContext {
  color: boolean;
  options: Options;
  width: number;
}

export interface CommandDef {
  name: string;
  summary: string;
  /** Longer help text, optional. */
  description?: string;
  args: ArgDef[];
  flags: FlagDef[];
  examples: Example[];
  /** The @logsift/api (or @logsift/sqlite-export) functions the command calls. */
  uses: string[];
  /**
   * False for commands that write their own output (emit streams JSON lines, mcp speaks MCP);
   * a function when that depends on the options (emit with --out prints an envelope).
   */
  envelope?: boolean | ((options: Options) => boolean);
  /** Writes a file (then it takes `-o/--out`; `commands --json` says so). */
  writesFile?: boolean;
  /** For agents (the MCP tool description): when to use this command, in a sentence. */
  use?: string;
  /**
   * Its last (variadic) argument holds another command's words, flags included (`session ask
   * NAME search -q x`): flags it does not know are kept as words instead of refused.
   */
  passThrough?: boolean;
  /** Not offered as an MCP tool (mcp itself, streaming emit). */
  mcp?: boolean;
  run(ctx: RunContext): Promise<CommandResult>;
  text: TextRenderer;
}

/** Whether the command prints the envelope (or writes its own output) with these options. */
export function printsEnvelope(def: CommandDef, options: Options): boolean {
  return typeof def.envelope === 'function' ? def.envelope(options) : def.envelope !== false;
}

/** camelCase key commander uses for a kebab-case flag. */
export function optionKey(flag: FlagDef): string {
  // commander stores `--no-color` as `color: false`.
  if (flag.type === 'boolean' && flag.name.startsWith('no-')) return optionKey({ ...flag, name: flag.name.slice(3) });
  return flag.name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
