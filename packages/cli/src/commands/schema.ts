import type { Entry } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG } from '../flags.js';
import { colors, formatCount, table } from '../render.js';
import type { CommandDef } from '../spec.js';

/** Columns the engine extracts for every record (the index columns). */
const COLUMNS = ['time', 'level', 'thread', 'request', 'trace', 'span', 'parentSpan', 'service', 'component'] as const;

interface FieldInfo {
  name: string;
  types: string[];
  present: number;
  examples: unknown[];
}

interface SchemaData {
  sampled: number;
  entries: number;
  columns: { name: string; present: number }[];
  fields: FieldInfo[];
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Flattens nested objects into dot paths (`user.id`), the names --where and --fields use. */
function flatten(obj: Record<string, unknown>, prefix: string, out: Map<string, unknown>): void {
  for (const [k, v] of Object.entries(obj)) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, name, out);
    else out.set(name, v);
  }
}

/** Evenly spread entry numbers, so the sample covers every file and the whole time range. */
export function spreadIds(total: number, n: number): number[] {
  if (total <= n) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
}

/**
 * The fields present in the logs, their JSON types, how often they appear and examples,
 * from an evenly spread sample of entries (materialized with their parsed fields).
 */
export const schemaCommand: CommandDef = {
  name: 'schema',
  summary: 'Fields present in the logs: names, types, how often, examples (from an even sample).',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    { name: 'sample', type: 'integer', group: 'command', min: 1, valueName: 'n', default: 1000, description: 'entries to sample, spread evenly over all of them' },
    ...OUTPUT_FLAGS,
  ],
  examples: [
    { cmd: 'logsift schema app.jsonl', what: 'which fields the JSON logs carry, to write --where conditions' },
    { cmd: 'logsift schema logs/ --sample 5000', what: 'a larger sample' },
  ],
  uses: ['open', 'Investigation.stats', 'Investigation.entries'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const stats = await inv.stats({ signal: ctx.signal });
    const ids = spreadIds(stats.entries, Number(ctx.options['sample'] ?? 1000));
    const entries: Entry[] = ids.length > 0 ? await inv.entries(ids, { fields: true }) : [];
    const columns = COLUMNS.map((name) => ({ name, present: entries.filter((e) => e[name] !== undefined && e[name] !== '').length }));
    const fields = new Map<string, FieldInfo>();
    for (const e of entries) {
      const flat = new Map<string, unknown>();
      flatten(e.fields ?? {}, '', flat);
      for (const [name, v] of flat) {
        let info = fields.get(name);
        if (!info) fields.set(name, (info = { name, types: [], present: 0, examples: [] }));
        info.present += 1;
        const t = typeOf(v);
        if (!info.types.includes(t)) info.types.push(t);
        if (info.examples.length < 3 && !info.examples.some((x) => JSON.stringify(x) === JSON.stringify(v))) info.examples.push(v);
      }
    }
    const data: SchemaData = {
      sampled: entries.length,
      entries: stats.entries,
      columns: columns.filter((c) => c.present > 0),
      fields: [...fields.values()].sort((a, b) => b.present - a.present || a.name.localeCompare(b.name)),
    };
    return { data, summary: { sampled: data.sampled, columns: data.columns.length, fields: data.fields.length }, found: data.sampled > 0 };
  },
  text: (raw, ctx) => {
    const d = raw as Partial<SchemaData>;
    const c = colors(ctx);
    const pct = (n: number): string => `${Math.round((100 * n) / Math.max(1, d.sampled ?? 0))}%`;
    const out = [c.dim(`sampled ${formatCount(d.sampled ?? 0)} of ${formatCount(d.entries ?? 0)} entries`), ''];
    out.push(table(['column', 'present'], (d.columns ?? []).map((col) => [col.name, pct(col.present)]), ctx));
    if ((d.fields ?? []).length > 0) {
      out.push('');
      out.push(
        table(
          ['field', 'types', 'present', 'examples'],
          (d.fields ?? []).map((f) => [f.name, f.types.join('|'), pct(f.present), f.examples.map((x) => JSON.stringify(x)).join(', ').slice(0, 60)]),
          ctx,
        ),
      );
    } else {
      out.push('', c.dim('no parsed fields beyond the columns (text logs)'));
    }
    return out.join('\n');
  },
};
