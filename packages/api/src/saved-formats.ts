import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './errors.js';

/**
 * Saved formats: named custom layouts in `logsift.config.json`, usable by name wherever a
 * `format` is taken. A saved format resolves to the engine's custom format
 * (`custom:{"regex","timestamp","fields"}`), so there is one parser and one validation.
 *
 * Two config files are read: the project's (the nearest `logsift.config.json` up from the
 * working directory) and the user's (`$XDG_CONFIG_HOME/logsift/logsift.config.json`, else
 * `~/.config/logsift/logsift.config.json`). A project format overrides a user format of the
 * same name.
 */

export const CONFIG_FILE = 'logsift.config.json';

/** The built-in format families, by the names `format` takes (the engine's list; a test checks they agree). */
export const BUILTIN_FORMATS: readonly { name: string; aliases: readonly string[]; description: string }[] = [
  { name: 'json', aliases: ['jsonl', 'ndjson'], description: 'one JSON object per line' },
  { name: 'logfmt', aliases: [], description: 'key=value pairs' },
  { name: 'syslog', aliases: ['rfc3164'], description: 'RFC 3164 syslog' },
  { name: 'syslog5424', aliases: ['rfc5424'], description: 'RFC 5424 syslog' },
  { name: 'access', aliases: ['clf', 'combined', 'apache-access', 'nginx-access'], description: 'Apache/nginx access logs' },
  { name: 'apache-error', aliases: [], description: 'Apache error log' },
  { name: 'glog', aliases: ['klog'], description: 'Google glog / klog' },
  { name: 'text', aliases: ['plain'], description: 'a header of known tokens then a message, layout learned per file' },
  { name: 'raw', aliases: [], description: 'one entry per line, no fields' },
];

function isBuiltin(name: string): boolean {
  const n = name.trim().toLowerCase();
  return BUILTIN_FORMATS.some((b) => b.name === n || b.aliases.includes(n));
}

/** One saved format as written in the config file. */
export interface SavedFormatSpec {
  /** A regular expression (Rust syntax) with named groups; a `message` group (or one mapped to it) is required. */
  regex: string;
  /** An explicit strftime-like timestamp format for the `timestamp` group (`%d/%b/%Y:%H:%M:%S %z`); default: its shape is detected. */
  timestamp?: string;
  /** Group name → column (`timestamp`, `level`, `message`, `thread`, `request`, `trace`, `span`, `parent`, `service`, `component`, `pid`) or field name. */
  fields?: Record<string, string>;
  /** What it reads, for `format list`. */
  description?: string;
}

export interface SavedFormat extends SavedFormatSpec {
  name: string;
  /** The config file it comes from, and whether that is the project's or the user's. */
  file: string;
  scope: 'project' | 'user';
}

export interface FormatConfigOptions {
  /** Where the project config is looked for (upwards). Default: `process.cwd()`. */
  cwd?: string;
  /** The user's config directory. Default `$XDG_CONFIG_HOME/logsift`, else `~/.config/logsift`. */
  userConfigDir?: string;
}

const SPEC_KEYS = new Set(['regex', 'timestamp', 'fields', 'description']);

/** The config files that exist, user first (so project formats override). */
export function formatConfigFiles(options: FormatConfigOptions = {}): { file: string; scope: 'project' | 'user' }[] {
  const userDir = options.userConfigDir ?? join(process.env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), 'logsift');
  const out: { file: string; scope: 'project' | 'user' }[] = [];
  const user = join(userDir, CONFIG_FILE);
  if (existsSync(user)) out.push({ file: user, scope: 'user' });
  for (let dir = resolve(options.cwd ?? process.cwd()); ; dir = dirname(dir)) {
    const f = join(dir, CONFIG_FILE);
    if (existsSync(f)) {
      if (f !== user) out.push({ file: f, scope: 'project' });
      break;
    }
    if (dirname(dir) === dir) break;
  }
  return out;
}

/** INVALID_CONFIG naming the file and where in it (`formats.NAME.regex`, `rules[2]`). */
export function configError(file: string, where: string, message: string): UsageError {
  return new UsageError('INVALID_CONFIG', `${file}: ${message}`, `${file}#${where}`);
}

/** A config file's top-level object (every section: `formats`, `rules`). */
export function readConfigFile(file: string): Record<string, unknown> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw configError(file, '', `not valid JSON: ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw configError(file, '', 'must hold a JSON object');
  return json as Record<string, unknown>;
}

/**
 * Reads one config file and checks its shape (the engine checks patterns and timestamp
 * formats: see `validateFormatConfig`). INVALID_CONFIG names the file, the format and the key.
 */
export function readFormatConfig(file: string, scope: 'project' | 'user'): SavedFormat[] {
  const formats = readConfigFile(file)['formats'];
  if (formats === undefined) return [];
  if (typeof formats !== 'object' || formats === null || Array.isArray(formats)) throw configError(file, 'formats', "'formats' must be an object of name → format");
  const out: SavedFormat[] = [];
  for (const [name, raw] of Object.entries(formats)) {
    const at = `formats.${name}`;
    if (!/^[A-Za-z][\w.-]*$/.test(name)) throw configError(file, at, `format '${name}': a name is a letter then letters, digits, _ . -`);
    if (isBuiltin(name)) throw configError(file, at, `format '${name}': the name of a built-in format`);
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw configError(file, at, `format '${name}' must be an object with a regex`);
    const spec = raw as Record<string, unknown>;
    for (const key of Object.keys(spec)) {
      if (!SPEC_KEYS.has(key)) throw configError(file, `${at}.${key}`, `format '${name}': unknown key '${key}' (keys: ${[...SPEC_KEYS].join(', ')})`);
    }
    if (typeof spec['regex'] !== 'string' || spec['regex'] === '') throw configError(file, `${at}.regex`, `format '${name}': 'regex' must be a non-empty string`);
    for (const key of ['timestamp', 'description'] as const) {
      if (spec[key] !== undefined && typeof spec[key] !== 'string') throw configError(file, `${at}.${key}`, `format '${name}': '${key}' must be a string`);
    }
    const fields = spec['fields'];
    if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields) || !Object.values(fields).every((v) => typeof v === 'string'))) {
      throw configError(file, `${at}.fields`, `format '${name}': 'fields' must map group names to column or field names`);
    }
    out.push({ name, file, scope, ...(spec as unknown as SavedFormatSpec) });
  }
  return out;
}

/** Every saved format, project formats overriding user formats of the same name. */
export function savedFormats(options: FormatConfigOptions = {}): SavedFormat[] {
  const byName = new Map<string, SavedFormat>();
  for (const { file, scope } of formatConfigFiles(options)) for (const f of readFormatConfig(file, scope)) byName.set(f.name, f);
  return [...byName.values()];
}

/** The engine's format option of a saved format. */
export function customFormatOption(f: SavedFormatSpec): string {
  return `custom:${JSON.stringify({ regex: f.regex, ...(f.timestamp !== undefined ? { timestamp: f.timestamp } : {}), ...(f.fields ? { fields: f.fields } : {}) })}`;
}

/**
 * The engine's `format` option for what a user wrote: a saved format's name becomes its
 * custom format; a built-in name, `regex:` or `custom:` is passed on as it is (the engine
 * refuses an unknown name, listing the known ones).
 */
export function resolveFormat(format: string, options: FormatConfigOptions = {}): string {
  if (format.startsWith('regex:') || format.startsWith('custom:') || isBuiltin(format)) return format;
  const saved = savedFormats(options).find((f) => f.name === format);
  return saved ? customFormatOption(saved) : format;
}


/** Options with their `format` resolved (`resolveFormat`): what open, watch and tail hand the engine. */
export function withResolvedFormat<T extends { format?: string | undefined }>(options: T): T {
  return options.format === undefined ? options : { ...options, format: resolveFormat(options.format) };
}
