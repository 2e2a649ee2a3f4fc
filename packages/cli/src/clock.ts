/**
 * Milliseconds on a monotonic clock, for `elapsedMs`. Not `performance.now()`: the first use
 * of the `performance` global loads all of perf_hooks, a few ms of every run's startup.
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Milliseconds since `started` (a `now()` reading), to one decimal: the envelope's `elapsedMs`. */
export function elapsedSince(started: number): number {
  return Math.round((now() - started) * 10) / 10;
}
