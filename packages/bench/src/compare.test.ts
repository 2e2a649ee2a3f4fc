import { describe, expect, it } from 'vitest';
import { classify, compareReports } from './compare.js';
import { okResult, syntheticReport, times } from './test-fixtures.js';

describe('classify', () => {
  const base = times(100, 101, 102, 103, 104, 105, 106, 107, 108, 110);

  it('is definitive when the distributions do not overlap at all', () => {
    const c = classify(base, times(50, 51, 52, 53, 99));
    expect(c).toMatchObject({ direction: 'faster', confidence: 'definitive' });
    expect(c.speedup).toBeCloseTo(base.median / 52, 12);
  });

  it('is high when the current p95 beats the base median but the ranges overlap', () => {
    // max 120 ≥ base min 100, p95 (≈ 100.5) < base median 104.5.
    const c = classify(base, times(90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90, 100, 120));
    expect(c).toMatchObject({ direction: 'faster', confidence: 'high' });
  });

  it('is moderate beyond 10% and marginal beyond 3% by median, with overlapping tails', () => {
    const wide = times(50, 80, 100, 120, 200);
    expect(classify(wide, times(60, 85, 88, 130, 210))).toMatchObject({ direction: 'faster', confidence: 'moderate' });
    expect(classify(wide, times(60, 85, 96, 130, 210))).toMatchObject({ direction: 'faster', confidence: 'marginal' });
    expect(classify(wide, times(60, 85, 99, 130, 210))).toMatchObject({ direction: 'same', confidence: 'noise' });
  });

  it('mirrors every class for regressions', () => {
    expect(classify(base, times(200, 210, 220))).toMatchObject({ direction: 'slower', confidence: 'definitive' });
    expect(classify(base, times(95, 109, 112, 115, 130))).toMatchObject({ direction: 'slower', confidence: 'high' });
    const wide = times(50, 80, 100, 120, 200);
    expect(classify(wide, times(40, 85, 115, 130, 210))).toMatchObject({ direction: 'slower', confidence: 'moderate' });
    expect(classify(wide, times(40, 85, 105, 130, 210))).toMatchObject({ direction: 'slower', confidence: 'marginal' });
    expect(classify(wide, times(40, 85, 101, 130, 210))).toMatchObject({ direction: 'same', confidence: 'noise' });
  });

  it('calls identical medians noise', () => {
    expect(classify(base, base)).toEqual({ speedup: 1, direction: 'same', confidence: 'noise' });
  });
});

describe('compareReports', () => {
  it('compares by name, flags regressions, notes skips and leaves peers out', () => {
    const base = syntheticReport([
      okResult('search.a', [10, 11, 12]),
      okResult('search.b', [10, 11, 12]),
      { name: 'search.c', suite: 'search', title: 'c', status: 'skipped', reason: 'not available in this version: Investigation.search()' },
      okResult('peers.rg', [5, 5, 5], 'peers'),
    ]);
    const current = syntheticReport(
      [okResult('search.a', [5, 5.5, 6]), okResult('search.b', [30, 31, 32]), okResult('search.c', [1, 1, 1]), okResult('index.new', [1, 2, 3], 'index')],
      { createdAt: '2026-01-02T00:00:00.000Z', data: [{ format: 'json', path: '/d/logs.jsonl', bytes: 100, entries: 10, sha256: 'bb' }] },
    );
    const cmp = compareReports(base, current);
    expect(cmp.scenarios.map((s) => s.name)).toEqual(['search.a', 'search.b', 'search.c', 'index.new']);
    expect(cmp.scenarios[0]).toMatchObject({ direction: 'faster', confidence: 'definitive', regression: false });
    expect(cmp.scenarios[0]?.speedup).toBeCloseTo(2, 12);
    expect(cmp.scenarios[1]).toMatchObject({ direction: 'slower', confidence: 'definitive', regression: true });
    expect(cmp.scenarios[2]).toMatchObject({ regression: false });
    expect(cmp.scenarios[2]?.note).toMatch(/^skipped in base: not available in this version/);
    expect(cmp.scenarios[3]?.note).toBe('not in base');
    expect(cmp.regressions).toEqual(['search.b']);
    expect(cmp.warnings).toEqual(['the json data differs between the runs (sha256)']);
  });
});

describe('noise marking', () => {
  it('marks a comparison whose CV is above 25% on either side and warns once', () => {
    const cmp = compareReports(syntheticReport([okResult('a', [10, 10.1, 10.2]), okResult('b', [1, 10, 20])]), syntheticReport([okResult('a', [5, 5.1, 5.2]), okResult('b', [1, 10, 20])]));
    expect(cmp.scenarios.map((s) => s.noisy)).toEqual([false, true]);
    expect(cmp.warnings).toEqual(['1 scenario(s) have a CV above 25% in one run: their moderate/marginal classes are within noise']);
  });
});
