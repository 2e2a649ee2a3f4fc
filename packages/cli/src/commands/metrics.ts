import { OUTPUT_FLAGS, SOURCE_FLAGS, SOURCES_ARG, QUERY_FLAGS } from '../flags.js';
import { generic } from '../render.js';
import { toScope } from '../query.js';
import type { CommandDef } from '../spec.js';

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
    { name: 'z-threshold', type: 'integer', group: 'command', min: 1, valueName: 'z', description: 'anomaly when |robust z| exceeds this (default 3.5)' },
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
  text: (data, ctx) => generic(data, ctx),
};
