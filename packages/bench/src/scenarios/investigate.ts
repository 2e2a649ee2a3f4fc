import type { Investigation } from '@logsift/api';
import { method, openFresh } from '../api-surface.js';
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
 * list as the api takes it (`follow(id, options)`, `timeline(options)`, ...).
 */
function op(
  name: string,
  suite: 'investigate' | 'sampling',
  opName: string,
  title: string,
  args: (p: Probes) => unknown[],
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
        run: () => fn(...a),
        inputs: { op: opName, args: a },
        describe: shape,
        ...(wholeFile ? { units: { entries: ctx.data.files.json.entries, bytes: ctx.data.files.json.bytes } } : {}),
      });
    },
  };
}

export const investigateScenarios: Scenario[] = [
  op('investigate.ids', 'investigate', 'ids', 'every thread/request/trace/span/service id with counts', () => [{}]),
  op('investigate.follow-request', 'investigate', 'follow', 'follow the busiest request id', (p) => [need(p.request, 'request id'), { kind: 'request' }], '< 5 ms (1M)'),
  op('investigate.follow-thread', 'investigate', 'follow', 'follow the busiest thread (~21K records at 1M; summary and a page of 100)', (p) => [need(p.thread, 'thread'), { kind: 'thread' }], '< 5 ms (1M)'),
  op('investigate.follow-trace', 'investigate', 'follow', 'follow the busiest trace id', (p) => [need(p.trace, 'trace id'), { kind: 'trace' }]),
  op('investigate.hierarchy-trace', 'investigate', 'hierarchy', 'span/thread tree of the busiest trace', (p) => [need(p.trace, 'trace id'), { kind: 'trace' }]),
  {
    name: 'investigate.hierarchy-1k',
    suite: 'investigate',
    title: "tree of a request with 1K descendants (the generator's first batch job: a root span and 1,000 child spans)",
    target: '< 20 ms for 1K descendants (1M)',
    setup: async (ctx) => {
      const batch = ctx.data.truth?.batches?.find((b) => b.complete);
      if (!batch) throw new SkipScenario('no complete batch job in the ground truth (the generator writes the first at 127,488 entries)');
      const inv = await ctx.investigation('json');
      const fn = method(inv, 'hierarchy');
      const args = [batch.requestId, { kind: 'request' }];
      return prepared<unknown>({ run: () => fn(...args), inputs: { op: 'hierarchy', args, parts: batch.parts }, describe: shape });
    },
  },
  op(
    'investigate.hierarchy-largest',
    'investigate',
    'hierarchy',
    'the largest tree in the data: a root thread and every thread named under it (worker-N.task-x.sub-K)',
    (p) => [need(p.threadRoot, 'thread naming root'), { kind: 'thread' }],
    "< 200 ms (the corpus's largest tree, 1M)",
  ),
  op('investigate.hierarchy-request', 'investigate', 'hierarchy', 'tree under the busiest request', (p) => [need(p.request, 'request id'), { kind: 'request' }]),
  op('investigate.bottlenecks', 'investigate', 'bottlenecks', 'slowest nodes of the busiest trace', (p) => [need(p.trace, 'trace id'), { kind: 'trace' }]),
  op(
    'investigate.error-flow',
    'investigate',
    'errorFlow',
    'root causes and propagation of a failing request',
    (p) => [{ id: need(p.requestWithError, 'request with an error'), kind: 'request' }],
    '< 50 ms (1M)',
  ),
  op('investigate.error-flow-all', 'investigate', 'errorFlow', 'error flow over every record (errors by service, no id)', () => [{}], undefined, true),
  ...(['2', '3', '5'] as const).map((n) =>
    op(`investigate.timeline-${n}-services`, 'investigate', 'timeline', `cross-service timeline of a request touching ${n} services`, (p) => [
      { id: need(p.requestsByServices[n], `request touching ${n} services`), kind: 'request' },
    ]),
  ),
  op('investigate.compare', 'investigate', 'compare', 'two requests side by side', (p) => need(p.comparePair, 'pair of requests')),
  // The index may keep mined templates: after the first run this measures the warm answer.
  op('investigate.templates', 'investigate', 'templates', 'templates of every record (warm: repeated on one investigation)', () => [{}]),
  {
    name: 'investigate.templates-cold',
    suite: 'investigate',
    title: 'open a fresh index and mine templates over every record (cold; open included)',
    target: '≥ 500K lines/s',
    setup: async (ctx) => {
      const file = ctx.data.files.json;
      // Fails here, at setup, when this version has no templates().
      method(await ctx.investigation('json'), 'templates');
      return prepared<Investigation>({
        run: async () => {
          const inv = await openFresh(file.path);
          await method(inv, 'templates')({});
          return inv;
        },
        release: (inv) => inv.close(),
        gcBetweenRuns: true,
        units: { entries: file.entries, bytes: file.bytes },
      });
    },
  },
  op('investigate.metrics', 'investigate', 'metrics', 'duration statistics per time bucket, anomalies', () => [{}], undefined, true),
  op('investigate.metrics-field', 'investigate', 'metrics', 'statistics of the commonest numeric field', (p) => [{ fields: [need(p.numericField, 'numeric field')] }]),
  op('investigate.triage', 'investigate', 'triage', 'one-call overview (volume, error rate, top errors)', () => [{}], undefined, true),
  // Scans every record: a regex with two named groups, values counted per group, a histogram.
  op(
    'investigate.verify-pattern',
    'investigate',
    'verifyPattern',
    'a regex with named groups over every record: matches, values per group, first/last, histogram',
    () => ['(?<method>GET|POST) /api/(?<resource>[a-z]+)', { top: 10 }],
    undefined,
    true,
  ),
  // Scans every record's time and template (templates warm, as in investigate.templates).
  op(
    'investigate.correlate-events',
    'investigate',
    'correlateEvents',
    'what was unusual within 30 s of the first pool-exhausted error, every service, against the baseline before',
    () => [{ trigger: { text: 'database connection pool exhausted' } }, { window: '30s' }],
    undefined,
    true,
  ),
  op('investigate.export-trace', 'investigate', 'exportTrace', 'the busiest trace as OTLP/JSON', (p) => [need(p.trace, 'trace id'), { format: 'otlp', kind: 'trace' }]),
];

/** The sampling strategies the issue names; each samples 50 records. */
export const SAMPLE_STRATEGIES = ['random', 'diverse', 'chronological', 'errors', 'head', 'tail', 'edges'] as const;

export const samplingScenarios: Scenario[] = SAMPLE_STRATEGIES.map((strategy) =>
  op(`sampling.${strategy}`, 'sampling', 'sample', `sample 50 records, strategy ${strategy}`, () => [{ strategy, size: 50, ...(strategy === 'random' ? { seed: 42 } : {}) }], '< 20 ms (1M)'),
);
