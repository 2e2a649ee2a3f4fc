import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareReports } from './compare.js';
import { colourFor, renderComparisonSvg } from './compare-svg.js';
import { okResult, syntheticReport } from './test-fixtures.js';

describe('renderComparisonSvg', () => {
  const base = syntheticReport([
    okResult('search.<faster> & "quoted"', [10, 11, 12]),
    okResult('search.slower', [10, 11, 12]),
    { name: 'search.skipped', suite: 'search', title: 's', status: 'skipped', reason: 'not available in this version: Investigation.search()' },
  ]);
  const current = syntheticReport([okResult('search.<faster> & "quoted"', [2, 2.5, 3]), okResult('search.slower', [20, 21, 22]), okResult('search.skipped', [1, 1, 1])]);
  const svg = renderComparisonSvg(compareReports(base, current));

  it('is well-formed XML with an svg root', () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as { svg: Record<string, unknown> };
    expect(doc.svg['@_xmlns']).toBe('http://www.w3.org/2000/svg');
  });

  it('labels every scenario (escaped), colours bars by class and explains uncompared rows', () => {
    expect(svg).toContain('search.&lt;faster&gt; &amp; &quot;quoted&quot;');
    expect(svg).toContain(`fill="${colourFor('faster', 'definitive')}"`);
    expect(svg).toContain(`fill="${colourFor('slower', 'definitive')}"`);
    expect(svg).toMatch(/4\.40× definitive/);
    expect(svg).toMatch(/0\.52× definitive ⚠ regression/);
    expect(svg).toContain('1 scenario(s) not compared');
    expect(svg).toMatch(/skipped in base: not available in this version: Investigation.search\(\) — search.skipped/);
  });
});
