import type { FlagDef } from './spec.js';

/** `--json` / `--text`: every command takes both (a no-op where only one output makes sense). */
export const JSON_TEXT_FLAGS: FlagDef[] = [
  { name: 'json', type: 'boolean', group: 'output', description: 'force JSON output (default when stdout is not a terminal)', cliOnly: true },
  { name: 'text', type: 'boolean', group: 'output', description: 'force human-readable output (default on a terminal)', cliOnly: true },
];

/** Output flags every command printing the envelope accepts. */
export const OUTPUT_FLAGS: FlagDef[] = [
  ...JSON_TEXT_FLAGS,
  { name: 'pretty', type: 'boolean', group: 'output', description: 'indent JSON output', cliOnly: true },
  { name: 'no-color', type: 'boolean', group: 'output', description: 'no colours (NO_COLOR is honoured too)', cliOnly: true },
  {
    name: 'max-bytes',
    common: true,
    type: 'integer',
    group: 'output',
    min: 256,
    valueName: 'n',
    description: 'the JSON output never exceeds n bytes: the largest list is cut to fit and the envelope says so',
  },
  {
    name: 'fields',
    common: true,
    type: 'list',
    group: 'output',
    valueName: 'a,b',
    description: 'keep only these fields of each entry (id,time,level,message,...; fields.NAME for a parsed field)',
  },
  { name: 'compact', type: 'boolean', group: 'output', common: true, description: 'short keys for entry fields (see README for the mapping)' },
];

/** The output flags of a command whose output is not the envelope (JSON lines): no --pretty. */
export const STREAM_OUTPUT_FLAGS: FlagDef[] = OUTPUT_FLAGS.filter((f) => f.name !== 'pretty');

/** `-o/--out`: the one flag for the file a command writes. */
export function outFlag(valueName: string, description: string, required = false): FlagDef {
  return { name: 'out', short: 'o', type: 'string', group: 'command', valueName, description, ...(required ? { required } : {}) };
}

/**
 * How to read the sources: the ONE list every command reading logs takes. A new source flag
 * is one entry here: `open` names the `open()` option it sets, `db` says it applies to a
 * `--db` source too (others are refused with --db).
 */
export const SOURCE_FLAGS: FlagDef[] = [
  {
    name: 'format',
    common: true,
    type: 'string',
    group: 'source',
    valueName: 'name',
    open: 'format',
    description:
      "force a format: json, logfmt, syslog, syslog5424, access, apache-error, glog, text, raw, regex:<pattern> with named groups (timestamp, level, message, thread, ...), or a format saved in logsift.config.json (logsift format list)",
  },
  { name: 'timezone', type: 'string', group: 'source', common: true, valueName: 'zone', open: 'timezone', db: true, description: 'zone for timestamps written without one: UTC, +02:00, an IANA name (Europe/Berlin) or local', default: 'UTC' },
  { name: 'include', type: 'string[]', group: 'source', common: true, valueName: 'glob', open: 'include', description: 'files found in directories must match this glob (repeatable)' },
  {
    name: 'max-decompressed-bytes',
    type: 'integer',
    group: 'source',
    common: true,
    min: 0,
    valueName: 'n',
    open: 'maxDecompressedBytes',
    description: 'refuse a .gz/.zst input that decompresses to more than n bytes (INPUT_TOO_LARGE)',
  },
  {
    name: 'no-cache',
    type: 'boolean',
    group: 'source',
    common: true,
    open: 'cache',
    description: 'build the index from the files and write nothing (default: reuse the persistent index cache, see `logsift cache`)',
  },
  { name: 'parquet', type: 'string[]', group: 'source', common: true, valueName: 'dir', open: 'parquet', description: 'read a logsift Parquet export (its directory or a file; repeatable)' },
  { name: 'db', type: 'string', group: 'source', common: true, valueName: 'file.sqlite', db: true, description: 'read a SQLite database instead of files: a logsift export, or any table with --db-mapping' },
  {
    name: 'db-mapping',
    common: true,
    type: 'string',
    group: 'source',
    valueName: 'json',
    db: true,
    description: 'with --db: how a table maps to log fields, as JSON (see @logsift/sqlite-export: table, timestamp, level, message, ids, ...)',
  },
];

/**
 * The search query model (api `Query`). MCP tools take only `query`: the compact string says
 * all the others do (level>=warn service:x thread:t after:... /re/ field>=N), in one parameter.
 */
export const QUERY_FLAGS: FlagDef[] = [
  {
    name: 'query',
    short: 'q',
    type: 'string',
    group: 'query',
    valueName: 'q',
    description: 'text or compact query: level>=error service:checkout "connection reset" -healthcheck duration_ms>500',
  },
  { name: 'level', type: 'list', group: 'query', cliOnly: true, valueName: 'levels', description: 'only these levels (error,fatal)' },
  { name: 'min-level', type: 'string', group: 'query', cliOnly: true, valueName: 'level', description: 'this level and above (warn)' },
  { name: 'regex', type: 'string', group: 'query', cliOnly: true, valueName: 'pattern', description: 'messages matching this regular expression (Rust syntax)' },
  { name: 'case-sensitive', type: 'boolean', group: 'query', cliOnly: true, description: 'text and regex match case-sensitively' },
  { name: 'exclude-query', type: 'string[]', group: 'query', cliOnly: true, valueName: 'text', description: 'drop entries containing this text (repeatable)' },
  { name: 'thread', type: 'string[]', group: 'query', cliOnly: true, valueName: 'id', description: 'only this thread (repeatable)' },
  { name: 'request', type: 'string[]', group: 'query', cliOnly: true, valueName: 'id', description: 'only this request / correlation id (repeatable)' },
  { name: 'trace', type: 'string[]', group: 'query', cliOnly: true, valueName: 'id', description: 'only this trace id (repeatable)' },
  { name: 'service', type: 'string[]', group: 'query', cliOnly: true, valueName: 'name', description: 'only this service (repeatable)' },
  { name: 'where', type: 'string[]', group: 'query', cliOnly: true, valueName: 'cond', description: "field condition: 'status>=500', 'user.id=42', 'x exists' (repeatable)" },
  { name: 'after', type: 'string', group: 'query', cliOnly: true, valueName: 'time', description: 'entries at or after this time (RFC 3339 or relative: -15m)' },
  { name: 'before', type: 'string', group: 'query', cliOnly: true, valueName: 'time', description: 'entries before this time' },
  { name: 'last', type: 'string', group: 'query', cliOnly: true, valueName: 'span', description: 'the last span of time, relative to the end of the logs (15m, 2h)' },
];

export const PAGING_FLAGS: FlagDef[] = [
  { name: 'limit', short: 'n', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'at most n entries', default: 50 },
  { name: 'offset', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'skip the first n matches' },
  { name: 'cursor', type: 'string', group: 'paging', valueName: 'token', description: 'continue from the nextCursor of a previous result' },
  { name: 'tail', type: 'integer', group: 'paging', min: 0, valueName: 'n', description: 'the last n matches' },
  {
    name: 'order',
    type: 'string',
    group: 'paging',
    choices: ['oldest', 'newest', 'file'],
    description: 'oldest (one timeline merged across files), newest, or file order',
    default: 'oldest',
  },
];

export const CONTEXT_FLAGS: FlagDef[] = [
  { name: 'context', short: 'C', type: 'integer', group: 'context', min: 0, valueName: 'n', description: 'n entries of context around each match' },
  { name: 'before-context', short: 'B', type: 'integer', group: 'context', min: 0, valueName: 'n', description: 'n entries before each match' },
  { name: 'after-context', short: 'A', type: 'integer', group: 'context', min: 0, valueName: 'n', description: 'n entries after each match' },
];

export const SOURCES_ARG = {
  name: 'sources',
  description: 'log files, directories, globs, or - for stdin (or none, with --db)',
  variadic: true,
  required: false,
};

/** The id of a tree (hierarchy, bottlenecks, export-trace) and its kind: MCP describes them once. */
export const TREE_ID_FLAGS: FlagDef[] = [
  { name: 'id', type: 'string', group: 'id', valueName: 'value', required: true, description: 'the trace, request, span or thread id' },
  { name: 'kind', type: 'string', group: 'id', choices: ['request', 'trace', 'span', 'thread'], description: 'id kind (default: detected)' },
];

/** `--kind` as an api option, when given. */
export function kindOption(options: Record<string, unknown>): { kind?: 'request' | 'trace' | 'span' | 'thread' } {
  const kind = options['kind'];
  return typeof kind === 'string' ? { kind: kind as 'request' | 'trace' | 'span' | 'thread' } : {};
}
