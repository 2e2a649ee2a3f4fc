import type { FieldMetrics, MetricsResult } from '@logsift/api';
import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { clockTime, colors, formatCount, formatMs, formatNumber, sparkline, table } from '../render.js';
import { toScope } from '../query.js';
import type { CommandDef, RenderContext } from '../spec.js';

/** A value of a field in its unit (durations as 850ms / 2.55s). */
function value(v: number | null, f: FieldMetrics): string {
  return f.unit === 'ms' ? formatMs(v) : formatNumber(v, 2);
}

/**
 * One row per field: count, percentiles, max, and the mean per bucket as a sparkline with
 * anomalous buckets in red; then the anomalies with their times.
 */
function renderMetrics(r: Partial<MetricsResult>, ctx: RenderContext): string {
  const c = colors(ctx);
  const fields = r.fields ?? [];
  if (fields.length === 0) return c.dim('no numeric values in scope (try --field NAME)');
  const rows = fields.map((f) => {
    const anomalous = new Set(f.anomalies.map((a) => a.startNs));
    const spark = [...sparkline(f.buckets.map((b) => b.mean))].map((ch, i) => (anomalous.has(f.buckets[i]?.startNs ?? -1) ? c.red(c.bold(ch)) : ch)).join('');
    return [c.bold(f.field), formatCount(f.count), value(f.min, f), value(f.p50, f), value(f.p95, f), value(f.p99, f), value(f.max, f), spark, f.anomalies.length > 0 ? c.red(String(f.anomalies.length)) : '0'];
  });
  const bucket = fields.find((f) => f.bucketMs != null)?.bucketMs;
  const first = fields.flatMap((f) => f.buckets.map((b) => b.startNs))[0];
  const out = [
    table(['field', 'count', 'min', 'p50', 'p95', 'p99', 'max', `mean per ${formatMs(bucket)}`, 'anomalies'], rows, ctx),
    c.dim(`${formatCount(r.scopeSize ?? 0)} entries in scope${first != null ? `; buckets from ${clockTime(first)}` : ''}; anomaly: |robust z| > ${r.zThreshold ?? '?'} (red)`),
  ];
  const anomalies = fields.flatMap((f) => f.anomalies.map((a) => ({ ...a, f })));
  if (anomalies.length > 0) {
    out.push('', c.bold('anomalies'));
    out.push(table(['bucket', 'field', 'mean', 'z'], anomalies.map((a) => [clockTime(a.startNs), a.f.field, value(a.value, a.f), c.red(a.z.toFixed(1))]), ctx));
  }
  return out.join('\n');
}

/** Numeric fields over time: per-bucket statistics and anomalies. */
export const metricsCommand: CommandDef = {
  name: 'metrics',
  summary: 'Numeric fields over time (durations by default): count, mean, p50, max per bucket, and anomalous buckets.',
  args: [SOURCES_ARG],
  flags: [
    ...SOURCE_FLAGS,
    ...QUERY_FLAGS,
    { name: 'field', type: 'list', group: 'command', valueName: 'names', description: 'fields (default: every stated duration, ms)' },
    { name: 'bucket-ms', type: 'integer', group: 'command', min: 1, valueName: 'ms', description: 'bucket (default: ≤ 60 buckets)' },
    { name: 'z-threshold', type: 'integer', group: 'command', min: 1, valueName: 'z', description: 'anomaly above this robust |z| (default 3.5)' },
    ...OUTPUT_FLAGS,
  ],
  examples: [{ cmd: 'logsift metrics app.jsonl --field duration_ms --bucket-ms 60000', what: 'latency per minute, anomalies flagged' }],
  use: 'Use for latency (or any number) over time: percentiles per bucket, anomalies.',
  uses: ['open', 'Investigation.metrics'],
  run: async (ctx) => {
    const inv = await ctx.open();
    const o = ctx.options;
    const result = await inv.metrics(
      {
        ...(Array.isArray(o['field']) ? { fields: o['field'] } : {}),
        ...(typeof o['bucketMs'] === 'number' ? { bucketMs: o['bucketMs'] } : {}),
        ...(typeof o['zThreshold'] === 'number' ? { zThreshold: o['zThreshold'] } : {}),
        ...toScope(o),
      },
      { signal: ctx.signal },
    );
    return { data: result, found: true };
  },
  text: (data, ctx) => renderMetrics(data as Partial<MetricsResult>, ctx),
};
