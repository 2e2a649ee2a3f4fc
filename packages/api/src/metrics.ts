import type { ScopeOptions } from './scope.js';

export interface MetricsOptions extends ScopeOptions {
  /** Field names (default `['duration']`: every duration a record states, in ms). */
  fields?: string[];
  /** Bucket size in ms (default: a round size giving at most 60 buckets). */
  bucketMs?: number;
  /** |robust z| above which a bucket is an anomaly (default 3.5). */
  zThreshold?: number;
}

export interface MetricBucket {
  startNs: number;
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

export interface FieldMetrics {
  field: string;
  unit: 'ms' | null;
  count: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  stddev: number | null;
  /** Nearest-rank percentiles. */
  p50: number | null;
  p95: number | null;
  p99: number | null;
  withoutTimestamp: number;
  bucketMs: number | null;
  buckets: MetricBucket[];
  anomalies: { startNs: number; value: number; z: number }[];
}

export interface MetricsResult {
  scopeSize: number;
  zThreshold: number;
  fields: FieldMetrics[];
}
