/** Summary statistics of a series of measured run times (milliseconds). */
export interface Summary {
  runs: number;
  min: number;
  max: number;
  mean: number;
  median: number;
  p95: number;
  p99: number;
  stddev: number;
  /** Coefficient of variation: stddev / mean. */
  cv: number;
}

/** Percentile by linear interpolation between closest ranks (p in 0..100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty series');
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

/** min, max, mean, median, p95, p99, sample stddev and CV of the samples. */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new RangeError('cannot summarize an empty series');
  const sorted = [...samples].sort((x, y) => x - y);
  const n = sorted.length;
  const mean = sorted.reduce((s, v) => s + v, 0) / n;
  const variance = n > 1 ? sorted.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1) : 0;
  const stddev = Math.sqrt(variance);
  return {
    runs: n,
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    mean,
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    stddev,
    cv: mean === 0 ? 0 : stddev / mean,
  };
}

/** Work done by one run, for throughput. */
export interface Units {
  entries?: number | undefined;
  bytes?: number | undefined;
}

/** Throughput at a run time: entries per second and MB (10^6 bytes) per second. */
export interface Throughput {
  entriesPerSec?: number;
  mbPerSec?: number;
}

/** Throughput of one run of `units` taking `ms` milliseconds (use the median). */
export function throughput(ms: number, units: Units): Throughput {
  if (!(ms > 0)) return {};
  const out: Throughput = {};
  if (units.entries !== undefined) out.entriesPerSec = units.entries / (ms / 1000);
  if (units.bytes !== undefined) out.mbPerSec = units.bytes / 1e6 / (ms / 1000);
  return out;
}
