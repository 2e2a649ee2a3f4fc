import { describe, expect, it } from 'vitest';
import { percentile, summarize, throughput } from './stats.js';

describe('summarize', () => {
  it('computes every statistic on known inputs', () => {
    const s = summarize([4, 1, 3, 2, 5]);
    expect(s).toMatchObject({ runs: 5, min: 1, max: 5, mean: 3, median: 3 });
    expect(s.stddev).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(s.cv).toBeCloseTo(Math.sqrt(2.5) / 3, 12);
    expect(s.p95).toBeCloseTo(4.8, 12);
    expect(s.p99).toBeCloseTo(4.96, 12);
  });

  it('interpolates percentiles and rejects empty series', () => {
    expect(percentile([10, 20], 50)).toBe(15);
    expect(() => summarize([])).toThrow(RangeError);
  });
});

describe('throughput', () => {
  it('turns a run time and the work done into entries/s and MB/s', () => {
    expect(throughput(250, { entries: 1_000_000, bytes: 250_000_000 })).toEqual({ entriesPerSec: 4_000_000, mbPerSec: 1000 });
    expect(throughput(2, { entries: 10 })).toEqual({ entriesPerSec: 5000 });
  });

  it('gives nothing for a zero run time rather than Infinity', () => {
    expect(throughput(0, { entries: 10 })).toEqual({});
  });
});

describe('fmtCount', () => {
  it('keeps the fraction of a small figure (a ratio of 0.64 is not 1) and abbreviates large counts', async () => {
    const { fmtCount } = await import('./format.js');
    expect(fmtCount(0.64)).toBe('0.64');
    expect(fmtCount(61.9)).toBe('61.9');
    expect(fmtCount(12)).toBe('12');
    expect(fmtCount(100_577)).toBe('100.6K');
    expect(fmtCount(undefined)).toBe('–');
  });
});
