import { UsageError, type Investigation, type Query } from '@logsift/api';

/**
 * The read-only API: one GET endpoint per api method the page uses. Each route only reads
 * its parameters and calls `Investigation`; every answer is the api's own result.
 */
export type Route = (inv: Investigation, params: URLSearchParams, signal: AbortSignal) => Promise<unknown>;

/** The query every view is scoped by: the query box (`q`) and the zoomed time range. */
export function queryOf(params: URLSearchParams): Query {
  const query: Query = {};
  for (const key of ['q', 'after', 'before'] as const) {
    const value = params.get(key);
    if (value !== null && value !== '') query[key] = value;
  }
  return query;
}

function required(params: URLSearchParams, name: string): string {
  const value = params.get(name);
  if (value === null || value === '') throw new UsageError('INVALID_OPTION', `the parameter '${name}' is required`, name);
  return value;
}

function integer(params: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError('INVALID_OPTION', `'${name}' must be an integer in 0..${max}, got '${raw}'`, name);
  return n;
}

/** Histogram buckets: about 60 over the shown range (the api's automatic bucket spans the whole data). */
function bucketParam(params: URLSearchParams): { bucket?: string } {
  const ms = integer(params, 'bucketMs', 0);
  return ms > 0 ? { bucket: `${ms}ms` } : {};
}

export const ROUTES: Record<string, Route> = {
  stats: (inv, _p, signal) => inv.stats({ signal }),
  /** One page of matches, oldest first: by cursor when scrolling on, by offset when jumping. */
  search: (inv, p, signal) => {
    const cursor = p.get('cursor');
    const page = cursor ? { cursor } : { offset: integer(p, 'offset', 0) };
    return inv.search({ ...queryOf(p), ...page, limit: integer(p, 'limit', 100, 1000) }, { signal });
  },
  /** Exact count, per level and per time bucket split by level: the stacked histogram. */
  histogram: (inv, p, signal) => inv.count({ ...queryOf(p), aggregate: ['level', 'timeLevel'], ...bucketParam(p) }, { signal }),
  context: (inv, p, signal) => inv.context(required(p, 'file'), integer(p, 'line', 1), { before: 5, after: 5 }, { signal }),
  follow: (inv, p, signal) => inv.follow(required(p, 'id'), { limit: integer(p, 'limit', 200, 1000) }, { signal }),
  hierarchy: (inv, p, signal) => inv.hierarchy(required(p, 'id'), {}, { signal }),
  bottlenecks: (inv, p, signal) => inv.bottlenecks(required(p, 'id'), {}, { signal }),
  /** With an id: that tree's root causes; without: the scope's errors by service. */
  'error-flow': (inv, p, signal) => {
    const id = p.get('id');
    return inv.errorFlow(id ? { id } : { query: queryOf(p) }, { signal });
  },
  templates: (inv, p, signal) => inv.templates({ limit: integer(p, 'limit', 50, 1000), sparkline: 30 }, { signal }),
  compare: (inv, p, signal) => inv.compare(required(p, 'a'), required(p, 'b'), {}, { signal }),
  ids: (inv, p, signal) => inv.ids({ query: queryOf(p), limit: integer(p, 'limit', 20, 1000) }, { signal }),
};
