import { UsageError } from './errors.js';
import { native } from './native.js';
import { callNativeSync, runNative, type TaskControl } from './run-native.js';

/** Options of the deterministic log generator. Same options → byte-identical output. */
export interface GenerateOptions {
  /** Number of log entries (records; stack-trace lines are extra lines of their record). */
  entries: number;
  /** PRNG seed (a non-negative integer). Default 42. */
  seed?: number;
  /** `json` (one object per line, default), `text` (log4j-like layout) or `logfmt`. */
  format?: 'json' | 'text' | 'logfmt';
  /** Number of services, 1..64 (gateway, checkout, payments, inventory, auth, ...). Default 5. */
  services?: number;
  /** Share of ERROR records, 0..0.7. DEBUG 10% and WARN 20% are fixed; INFO is the rest. Default 0.1. */
  errorRate?: number;
  /** Inject the payments outage at ~60% of the timeline. Default true. */
  incidents?: boolean;
  /** Time of the first record (RFC 3339). Default 2024-01-15T08:00:00Z. */
  start?: string;
}

/** Ground truth about the injected incident. */
export interface GeneratedIncident {
  rootCauseService: string;
  rootCauseMessage: string;
  /** Services that fail because of the root cause, nearest first. */
  upstreamServices: string[];
  /** Earliest root-cause record: UTC nanoseconds (a JS number) and RFC 3339. */
  firstNs: number;
  firstTime: string;
  /** 0-based entry number and 1-based line of the first root-cause record. */
  firstEntry: number;
  firstLine: number;
  /** Requests that failed at the root cause. */
  failedRequests: number;
  /** The first few of those requests' ids. */
  requestIds: string[];
}

/**
 * Ground truth about one batch job: from entry 127,488 on, one block of 4,096 entries in 64
 * carries a reindex job of `inventory`, a root span with 1,000 child spans (threads
 * `batch-N.part-K`) in one request and trace: the wide trees `hierarchy` is measured on.
 */
export interface GeneratedBatch {
  /** Thread of the root span (`batch-1`). */
  thread: string;
  service: string;
  requestId: string;
  traceId: string;
  /** The root span, which every part names as its parent. */
  spanId: string;
  /** Parts written (child spans, one record each). */
  parts: number;
  /** Parts logged at ERROR. */
  failedParts: number;
  /** Records written: the root's start and end plus the parts. */
  entries: number;
  /** Whether the root's closing record was written (the output may end inside a job). */
  complete: boolean;
  /** 0-based entry number and 1-based line of the job's first record. */
  firstEntry: number;
  firstLine: number;
}

/** What `generateToFile` wrote. */
export interface GenerateSummary {
  seed: number;
  format: 'json' | 'text' | 'logfmt';
  entries: number;
  lines: number;
  bytes: number;
  levels: { DEBUG: number; INFO: number; WARN: number; ERROR: number };
  /** `null` when incidents are off or the output is too short to reach one. */
  incident: GeneratedIncident | null;
  /** Batch jobs in output order (none below 127,488 entries). */
  batches: GeneratedBatch[];
}

const OPTION_KEYS = new Set(['entries', 'seed', 'format', 'services', 'errorRate', 'incidents', 'start']);

function optionsJson(options: GenerateOptions): string {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new UsageError('INVALID_OPTION', `unknown generate option '${key}'`, key);
  }
  return JSON.stringify(options);
}

/**
 * Generates logs and returns them as a string (at most 1,000,000 entries; write bigger
 * outputs with `generateToFile`).
 */
export function generate(options: GenerateOptions): string {
  const json = optionsJson(options);
  return callNativeSync(() => native().generate(json));
}

/**
 * Streams generated logs to `path` (created or replaced) off the main thread. Resolves to
 * what was written, including the incident's ground truth. Progress counts entries; on
 * cancellation the partial file is removed.
 */
export async function generateToFile(
  path: string,
  options: GenerateOptions,
  control: TaskControl = {},
): Promise<GenerateSummary> {
  const json = optionsJson(options);
  const summary = await runNative((token) => native().generateToFile(path, json, token), control);
  return JSON.parse(summary) as GenerateSummary;
}
