import { method } from '../api-surface.js';
import type { Probes } from '../probes.js';
import { prepared, SkipScenario, type Scenario } from '../scenario.js';

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new SkipScenario(`no ${what} found in the generated data`);
  return value;
}

/** Counts the top-level arrays of a result, so the report says how much each op returned. */
function shape(result: unknown): Record<string, unknown> {
  if (Array.isArray(result)) return { items: result.length };
  if (typeof result !== 'object' || result === null) return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(result)) {
    if (Array.isArray(v)) out[k] = v.length;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  }
  return out;
}

/**
 * One investigation op on the shared JSON investigation: `args(probes)` builds its argument
 * object (the planned api: each op takes a Query scope plus its own arguments).
 */
function op(
  name: string,
  suite: 'investigate' | 'sampling',
  opName: string,
  title: string,
  args: (p: Probes) => Record<string, unknown>,
  target?: string,
  /** The op reads every record (throughput in entries/s). */
  wholeFile = false,
): Scenario {
  return {
    name,
    suite,
    title,
    ...(target ? { target } : {}),
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const fn = method(inv, opName);
      const a = args(ctx.probes);
      return prepared<unknown>({
        run: () => fn(a),
        inputs: { op: opName, ...a },
        describe: shape,
        ...(wholeFile ? { units: { entries: ctx.data.files.json.entries, bytes: ctx.data.files.json.bytes } } : {}),
      });
    },
  };
}

export const investigateScenarios: Scenario[] = [
  op('investigate.ids', 'investigate', 'ids', 'every thread/request/trace/span/service id with counts', () => ({})),
  op('investigate.follow-request', 'investigate', 'follow', 'follow the busiest request id', (p) => ({ id: need(p.request, 'request id') }), '< 5 ms (1M)'),
  op('investigate.follow-thread', 'investigate', 'follow', 'follow the busiest thread', (p) => ({ id: need(p.thread, 'thread'), kind: 'thread' })),
  op('investigate.follow-trace', 'investigate', 'follow', 'follow the busiest trace id', (p) => ({ id: need(p.trace, 'trace id'), kind: 'trace' })),
  op('investigate.hierarchy-trace', 'investigate', 'hierarchy', 'span/thread tree of the busiest trace', (p) => ({ id: need(p.trace, 'trace id') }), '< 20 ms for 1K descendants (1M)'),
  op('investigate.hierarchy-request', 'investigate', 'hierarchy', 'tree under the busiest request', (p) => ({ id: need(p.request, 'request id') })),
  op('investigate.bottlenecks', 'investigate', 'bottlenecks', 'slowest nodes of the busiest trace', (p) => ({ id: need(p.trace, 'trace id') })),
  op('investigate.error-flow', 'investigate', 'errorFlow', 'root causes and propagation of a failing request', (p) => ({ id: need(p.requestWithError, 'request with an error') }), '< 50 ms (1M)'),
  op('investigate.error-flow-all', 'investigate', 'errorFlow', 'error flow over every error (query scope level>=error)', () => ({ minLevel: 'error' })),
  ...(['2', '3', '5'] as const).map((n) =>
    op(`investigate.timeline-${n}-services`, 'investigate', 'timeline', `cross-service timeline of a request touching ${n} services`, (p) => ({
      request: need(p.requestsByServices[n], `request touching ${n} services`),
    })),
  ),
  op('investigate.compare', 'investigate', 'compare', 'two requests side by side', (p) => {
    const [a, b] = need(p.comparePair, 'pair of requests');
    return { a, b };
  }),
  op('investigate.templates', 'investigate', 'templates', 'mine message templates over every record', () => ({}), '≥ 500K lines/s', true),
  op('investigate.templates-errors', 'investigate', 'templates', 'templates of error records only', () => ({ minLevel: 'error' })),
  op('investigate.metrics', 'investigate', 'metrics', 'statistics of the commonest numeric field', (p) => ({ field: need(p.numericField, 'numeric field') })),
  op('investigate.triage', 'investigate', 'triage', 'one-call overview (volume, error rate, top errors)', () => ({})),
];

/** The sampling strategies the issue names; each samples 50 records. */
export const SAMPLE_STRATEGIES = ['random', 'diverse', 'chronological', 'errors', 'head', 'tail', 'edges'] as const;

export const samplingScenarios: Scenario[] = SAMPLE_STRATEGIES.map((strategy) =>
  op(`sampling.${strategy}`, 'sampling', 'sample', `sample 50 records, strategy ${strategy}`, () => ({ strategy, size: 50, seed: 42 }), '< 20 ms (1M)'),
);
