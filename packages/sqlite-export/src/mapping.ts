import type Database from 'better-sqlite3';
import { SqliteExportError } from './errors.js';

/** How a timestamp column is written. */
export type TimestampFormat = 'iso' | 'epoch_s' | 'epoch_ms' | 'epoch_us' | 'epoch_ns';

/** Which columns of an arbitrary table become which parts of a log record. */
export interface SqliteMapping {
  /** The table (or view) to read. */
  table: string;
  /** Timestamp column and how it is written (default `iso`: RFC 3339 / `YYYY-MM-DD HH:MM:SS`). */
  timestamp?: { column: string; format?: TimestampFormat };
  /** Level column; `map` translates stored values (`"3"`, `"E"`) to level words (`"error"`). */
  level?: { column: string; map?: Record<string, string> };
  /** Message template over columns: `"{method} {path} -> {status}"`; `{{` and `}}` are literal braces. */
  message?: string;
  /** Id columns. */
  ids?: { thread?: string; request?: string; trace?: string; span?: string; parentSpan?: string; service?: string };
  /** A fixed service name for every row (when no service column is mapped). */
  service?: string;
  /** Further columns copied into each record's fields under their own names. */
  extra?: string[];
  /** A column holding a JSON object whose keys are merged into the fields (e.g. `data`). */
  json?: string;
  /** Column to order rows by (default: the table's own order). */
  orderBy?: string;
}

const MAPPING_KEYS = new Set(['table', 'timestamp', 'level', 'message', 'ids', 'service', 'extra', 'json', 'orderBy']);
const ID_FIELDS = { thread: 'thread', request: 'request_id', trace: 'trace_id', span: 'span_id', parentSpan: 'parent_span_id', service: 'service' } as const;
const FORMATS = new Set<TimestampFormat>(['iso', 'epoch_s', 'epoch_ms', 'epoch_us', 'epoch_ns']);

/** Double-quotes an identifier for SQL (after it has been checked to exist). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A template split into literal text and column references. */
type Part = { text: string } | { column: string };

export function parseTemplate(template: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if ((c === '{' || c === '}') && template[i + 1] === c) {
      text += c;
      i++;
    } else if (c === '{') {
      const end = template.indexOf('}', i + 1);
      if (end < 0) throw bad(`unclosed '{' at ${i} in message template ${JSON.stringify(template)}`, 'message');
      if (text) parts.push({ text });
      text = '';
      parts.push({ column: template.slice(i + 1, end) });
      i = end;
    } else if (c === '}') {
      throw bad(`unmatched '}' at ${i} in message template ${JSON.stringify(template)} (write '}}' for a literal brace)`, 'message');
    } else {
      text += c;
    }
  }
  if (text) parts.push({ text });
  return parts;
}

function bad(message: string, location?: string): SqliteExportError {
  return new SqliteExportError('INVALID_MAPPING', message, location);
}

/** A mapping checked against the database: the SELECT to run and the row converter. */
export interface CompiledMapping {
  sql: string;
  /** One row as a JSON-lines log record with logsift's field names (no newline). */
  toLine: (row: Record<string, unknown>) => string;
}

/** A record as one JSON line; BigInts (64-bit integer columns) become numbers when exact, strings otherwise. */
export function recordLine(record: Record<string, unknown>): string {
  return JSON.stringify(record, (_key, value: unknown) =>
    typeof value === 'bigint' ? (Number.isSafeInteger(Number(value)) ? Number(value) : value.toString()) : value,
  );
}

/** The columns of a table, or an INVALID_MAPPING error when it is not there. */
export function columnsOf(db: Database.Database, table: string): Set<string> {
  if (typeof table !== 'string' || table === '') throw bad('mapping.table must be a non-empty string', 'table');
  const found = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?").get(table);
  if (!found) throw bad(`no table or view named ${JSON.stringify(table)} in the database`, 'table');
  const cols = db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
  return new Set(cols.map((c) => c.name));
}

/**
 * Validates a mapping against the real schema (every table and column must exist; names
 * are then quoted, values are never spliced into SQL) and compiles it.
 */
export function compileMapping(db: Database.Database, mapping: SqliteMapping): CompiledMapping {
  if (typeof mapping !== 'object' || mapping === null) throw bad('the mapping must be an object');
  for (const key of Object.keys(mapping)) if (!MAPPING_KEYS.has(key)) throw bad(`unknown mapping key '${key}'`, key);
  const columns = columnsOf(db, mapping.table);
  const need = (column: unknown, where: string): string => {
    if (typeof column !== 'string' || !columns.has(column)) {
      throw bad(`${where}: no column ${JSON.stringify(column)} in table ${JSON.stringify(mapping.table)}`, where);
    }
    return column;
  };
  const steps: ((row: Record<string, unknown>, out: Record<string, unknown>) => void)[] = [];

  if (mapping.timestamp) {
    const col = need(mapping.timestamp.column, 'timestamp.column');
    const format = mapping.timestamp.format ?? 'iso';
    if (!FORMATS.has(format)) throw bad(`timestamp.format must be one of ${[...FORMATS].join(', ')}, got ${JSON.stringify(format)}`, 'timestamp.format');
    steps.push((row, out) => {
      const t = toIsoTime(row[col], format);
      if (t !== undefined) out.time = t;
    });
  }
  if (mapping.level) {
    const col = need(mapping.level.column, 'level.column');
    const map = mapping.level.map;
    if (map !== undefined && (typeof map !== 'object' || map === null)) throw bad('level.map must be an object', 'level.map');
    steps.push((row, out) => {
      const v = row[col];
      if (v === null || v === undefined) return;
      out.level = map && Object.hasOwn(map, String(v)) ? map[String(v)] : v;
    });
  }
  const template = mapping.message ?? (columns.has('message') ? '{message}' : columns.has('msg') ? '{msg}' : undefined);
  if (template !== undefined) {
    if (typeof template !== 'string') throw bad('message must be a template string', 'message');
    const parts = parseTemplate(template);
    for (const p of parts) if ('column' in p) need(p.column, 'message');
    steps.push((row, out) => {
      let s = '';
      for (const p of parts) s += 'text' in p ? p.text : textOf(row[p.column]);
      out.msg = s;
    });
  }
  for (const [kind, field] of Object.entries(ID_FIELDS)) {
    const col = mapping.ids?.[kind as keyof typeof ID_FIELDS];
    if (col === undefined) continue;
    need(col, `ids.${kind}`);
    steps.push((row, out) => {
      const v = row[col];
      if (v !== null && v !== undefined && v !== '') out[field] = textOf(v);
    });
  }
  if (mapping.ids) for (const k of Object.keys(mapping.ids)) if (!(k in ID_FIELDS)) throw bad(`ids.${k}: unknown id kind '${k}' (thread, request, trace, span, parentSpan, service)`, `ids.${k}`);
  if (mapping.service !== undefined) {
    const service = String(mapping.service);
    steps.push((_row, out) => {
      out.service ??= service;
    });
  }
  for (const col of mapping.extra ?? []) {
    need(col, 'extra');
    steps.push((row, out) => {
      if (!(col in out) && row[col] !== null && row[col] !== undefined) out[col] = jsonable(row[col]);
    });
  }
  if (mapping.json !== undefined) {
    const col = need(mapping.json, 'json');
    steps.push((row, out) => mergeJson(row[col], col, out));
  }
  const order = mapping.orderBy === undefined ? '' : ` ORDER BY ${quoteIdent(need(mapping.orderBy, 'orderBy'))}`;
  return {
    sql: `SELECT * FROM ${quoteIdent(mapping.table)}${order}`,
    toLine: (row) => {
      const out: Record<string, unknown> = {};
      for (const step of steps) step(row, out);
      return recordLine(out);
    },
  };
}

/** Keys of a JSON object column join the record (promoted fields already set win). */
export function mergeJson(value: unknown, col: string, out: Record<string, unknown>): void {
  if (value === null || value === undefined) return;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = value;
    }
  }
  if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
    for (const [k, v] of Object.entries(parsed)) if (!(k in out)) out[k] = v;
  } else if (!(col in out)) {
    out[col] = jsonable(parsed);
  }
}

function textOf(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** SQLite values that JSON cannot hold as is: BLOBs (as text) and BigInts. */
function jsonable(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return v;
}

/** A stored timestamp as RFC 3339 text (exact to the nanosecond for integer epochs). */
export function toIsoTime(v: unknown, format: TimestampFormat): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  if (format === 'iso') return String(v);
  const digits = { epoch_s: 0, epoch_ms: 3, epoch_us: 6, epoch_ns: 9 }[format];
  const scale = 10n ** BigInt(9 - digits);
  let ns: bigint;
  // Decimal text is converted digit by digit, so 1700000000.25 s is exactly …20.25 s.
  const text = typeof v === 'bigint' ? v.toString() : typeof v === 'number' || typeof v === 'string' ? String(v).trim() : '';
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
  if (m) {
    const fracDigits = (m[3] ?? '').slice(0, 9 - digits).padEnd(9 - digits, '0');
    const abs = BigInt(m[2]!) * scale + (fracDigits ? BigInt(fracDigits) : 0n);
    ns = m[1] === '-' ? -abs : abs;
  } else {
    const n = Number(v);
    if (!Number.isFinite(n)) return undefined;
    ns = BigInt(Math.round(n * 10 ** (9 - digits)));
  }
  const sec = ns / 1_000_000_000n - (ns % 1_000_000_000n < 0n ? 1n : 0n);
  const frac = ns - sec * 1_000_000_000n;
  if (sec > 253_402_300_799n || sec < 0n) return undefined; // outside years 1970..9999
  const base = new Date(Number(sec) * 1000).toISOString().slice(0, 19);
  return frac === 0n ? `${base}Z` : `${base}.${frac.toString().padStart(9, '0').replace(/0+$/, '')}Z`;
}
