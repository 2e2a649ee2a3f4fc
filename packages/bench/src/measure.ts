import { Bench } from 'tinybench';
import { collectGarbage } from './memory.js';
import type { Prepared } from './scenario.js';

export interface MeasureSettings {
  /** Runs discarded before measuring. */
  warmupRuns: number;
  /** Measured runs at least. */
  minRuns: number;
  /** Keep measuring until this much run time is spent too (ms); 0 = exactly `minRuns`. */
  timeMs: number;
}

export const DEFAULT_SETTINGS: MeasureSettings = { warmupRuns: 3, minRuns: 10, timeMs: 500 };

/**
 * Times `prepared.run` with tinybench: warm-up runs discarded, then the measured runs.
 * `release` and the optional GC run after each iteration, outside the timed window.
 * Returns the measured run times in milliseconds.
 */
export async function measure(name: string, prepared: Prepared, settings: MeasureSettings): Promise<number[]> {
  let pending: { value: unknown } | undefined;
  const bench = new Bench({
    retainSamples: true,
    warmup: settings.warmupRuns > 0,
    warmupIterations: settings.warmupRuns,
    warmupTime: 0,
    iterations: settings.minRuns,
    time: settings.timeMs,
    throws: true,
  });
  bench.add(
    name,
    async () => {
      pending = { value: await prepared.run() };
    },
    {
      async: true,
      afterEach: async () => {
        if (pending && prepared.release) await prepared.release(pending.value);
        pending = undefined;
        if (prepared.gcBetweenRuns) collectGarbage();
      },
    },
  );
  await bench.run();
  const task = bench.tasks[0];
  const result = task?.result;
  if (!result) throw new Error(`tinybench ran no task for ${name}`);
  if (result.state === 'errored') throw result.error;
  if (result.state !== 'completed') throw new Error(`tinybench task ${name} ended ${result.state}`);
  const samples = result.latency.samples;
  if (!samples || samples.length === 0) throw new Error(`tinybench kept no samples for ${name}`);
  return [...samples];
}
