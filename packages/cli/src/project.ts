import { CliError } from './envelope.js';

/**
 * `--compact` short keys for entry fields. Documented in the README and in
 * `logsift commands --json` (compactKeys); stable once released.
 */
export const COMPACT_KEYS: Readonly<Record<string, string>> = {
  id: 'i',
  file: 'f',
  line: 'ln',
  offset: 'o',
  length: 'len',
  timestampNs: 'tn',
  time: 't',
  severity: 'sv',
  level: 'l',
  levelText: 'lt',
  message: 'm',
  thread: 'th',
  request: 'rq',
  trace: 'tr',
  span: 'sp',
  parentSpan: 'ps',
  service: 'svc',
  component: 'cmp',
  raw: 'r',
  fields: 'x',
  matches: 'mt',
  context: 'ctx',
};

/** Field names --fields accepts (plus `fields.NAME` for one parsed field). */
export const ENTRY_FIELDS = Object.keys(COMPACT_KEYS);

/** Lists of entries: `entries` anywhere under data, context `before`/`after`, or data itself. */
const ENTRY_LIST_KEYS = new Set([undefined, 'entries', 'before', 'after']);

function isEntryList(key: string | undefined, value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && ENTRY_LIST_KEYS.has(key) && value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
}

function pick(entry: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.startsWith('fields.')) {
      const name = f.slice('fields.'.length);
      const parsed = entry['fields'] as Record<string, unknown> | undefined;
      if (parsed && name in parsed) {
        const target = (out['fields'] ??= {}) as Record<string, unknown>;
        target[name] = parsed[name];
      }
    } else if (f in entry) {
      out[f] = entry[f];
    }
  }
  return out;
}

function shorten(entry: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).map(([k, v]) => [COMPACT_KEYS[k] ?? k, v]));
}

/** Checks --fields names before any work is done. */
export function validateFields(fields: string[] | undefined): void {
  for (const f of fields ?? []) {
    if (!ENTRY_FIELDS.includes(f) && !/^fields\.[^.\s]+/.test(f)) {
      throw new CliError('USAGE', `unknown field '${f}' in --fields`, `valid fields: ${ENTRY_FIELDS.join(', ')}, fields.NAME`, '--fields');
    }
  }
}

/** Applies --fields and --compact to every entry list under data. */
export function projectEntries(data: unknown, fields: string[] | undefined, compact: boolean): unknown {
  if (!fields?.length && !compact) return data;
  const walk = (value: unknown, key: string | undefined): unknown => {
    if (isEntryList(key, value)) {
      return value.map((e) => {
        let out = fields?.length ? pick(e, fields) : e;
        if (out['context'] !== undefined) out = { ...out, context: walk(out['context'], 'context') };
        return compact ? shorten(out) : out;
      });
    }
    if (Array.isArray(value)) return value.map((v) => walk(v, '[]'));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(v, k)]));
    }
    return value;
  };
  return walk(data, Array.isArray(data) ? undefined : '');
}
