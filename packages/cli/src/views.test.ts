import { stripVTControlCharacters } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logsift } from './test-support.js';

/**
 * The terminal views of timeline, error-flow, metrics, compare, diff and summarize, on the
 * bundled sample (services.jsonl: 3,000 records of a small mesh whose incident starts with
 * the payments database pool exhausted at 08:00:03.578).
 */
const repo = join(import.meta.dirname, '..', '..', '..');
const sampleDir = join(repo, 'examples', 'sample');
const services = join(sampleDir, 'services.jsonl');
const TRACE = '68c6d27762bbfc583c7f594f284bffda';
const text = (args: string[]): string[] => {
  const r = logsift([...args, '--text'], { env: { COLUMNS: '120' } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n');
};

/** Splits a suggested command line into words as a POSIX shell would (single quotes only). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)) words.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : m[2]!);
  return words;
}

describe('terminal views', () => {
  it('timeline: rows with relative times and one lane per service', () => {
    const lines = text(['timeline', services, '--id', TRACE]);
    expect(lines[0]).toBe(`trace ${TRACE} · 18 entries over 221ms · 5 services · from 2024-01-15 08:00:03.383`);
    const header = lines.find((l) => l.startsWith('+time'));
    expect(header).toMatch(/^\+time\s+gateway checkout payments inventory auth\s+level\s+message$/);
    // The payments error at +91 ms is marked in the payments lane (third), not elsewhere.
    const row = lines.find((l) => l.trimStart().startsWith('+91ms'));
    const lane = header!.indexOf('payments');
    expect(row?.[lane]).toBe('✖');
    expect(row).toContain('POST /internal/payments/refund failed in 30ms status=502');
    expect(lines.find((l) => l.startsWith('payments '))).toMatch(/^payments\s+3\s+1\s+\+61ms\s+\+91ms$/);
  });

  it('error-flow: the root causes as one tree, and services in the order their errors began', () => {
    const tree = text(['error-flow', services, '--id', 'req-049b3d86d315']);
    expect(tree[0]).toBe('request req-049b3d86d315 · 5 of 6 nodes errored (83%) · 8 error records');
    expect(tree.filter((l) => l.includes('← root cause'))).toHaveLength(3);
    expect(tree.some((l) => /^\s+│\s+├─ ✖ 0b02b616568f7864 \(span\) payments/.test(l))).toBe(true);
    const scope = text(['error-flow', services]);
    expect(scope[1]).toMatch(/^origin {2}payments \(earliest new error: "database connection pool exhausted/);
    expect(scope.filter((l) => /^[├└]─ \S/.test(l)).slice(0, 5).map((l) => l.split(/\s+/)[1])).toEqual(['checkout', 'gateway', 'auth', 'payments', 'inventory']);
    expect(scope.find((l) => l.startsWith('├─ checkout'))).toMatch(/[▁▂▃▄▅▆▇█]{6}$/);
  });

  it('metrics: a table with percentiles and a sparkline per field', () => {
    const lines = text(['metrics', services]);
    expect(lines[0]).toMatch(/^field\s+count\s+min\s+p50\s+p95\s+p99\s+max\s+mean per 100ms\s+anomalies$/);
    const row = lines.find((l) => l.startsWith('duration'));
    expect(row).toMatch(/^duration\s+1,167\s+0ms\s+42ms\s+2\.55s\s+5\.00s\s+10\.0s\s+[▁▂▃▄▅▆▇█ ]{60}\s+2$/);
    expect(lines).toContain('anomalies');
  });

  it('compare: the two ids side by side, differences in bold, and where they part', () => {
    const lines = text(['compare', services, '--a', 'req-02d435b0be7c', '--b', 'req-049b3d86d315']);
    expect(lines[0]).toMatch(/a: req-02d435b0be7c\s+b: req-049b3d86d315/);
    expect(lines.find((l) => l.startsWith('errors'))).toMatch(/^errors\s+2\s+8$/);
    expect(lines).toContain('the sequences part at step 1');
    const colored = logsift(['compare', services, '--a', 'req-02d435b0be7c', '--b', 'req-049b3d86d315', '--text'], { env: { FORCE_COLOR: '1' } }).stdout;
    expect(colored).toContain('\u001b[1m8\u001b[22m');
  });

  it('diff: the two scopes side by side and the templates that appeared', () => {
    const lines = text(['diff', services, '--a', 'before:2024-01-15T08:00:03Z', '--b', 'after:2024-01-15T08:00:03Z', '--top', '3']);
    expect(lines.find((l) => l.startsWith('error rate'))).toMatch(/^error rate\s+10\.1%\s+13\.1% {2}\+3\.0 pp$/);
    const appeared = lines.indexOf('appeared in b');
    expect(lines[appeared + 3]).toMatch(/^0 0\.0%\s+8 0\.5%\s+\+0\.5 pp\s+database connection pool exhausted/);
  });

  it('summarize: stats, triage and templates under their headings', () => {
    const lines = text(['summarize', sampleDir, '--top', '3']);
    expect(lines.filter((l) => ['files', 'triage', 'top templates'].includes(l))).toEqual(['files', 'triage', 'top templates']);
    expect(lines.join('\n')).toContain('143 templates over 5,000 entries, showing 3');
  });

  it("triage's next steps name the real sources and run as pasted", () => {
    const r = logsift(['triage', sampleDir, '--top', '3']);
    const next = (r.json['data'] as { suggestions: string[] }).suggestions;
    expect(next.length).toBeGreaterThan(3);
    for (const line of next) {
      expect(line).not.toContain('<sources>');
      const [cmd, ...args] = shellWords(line);
      expect(cmd).toBe('logsift');
      expect(args[1], line).toBe(sampleDir);
      expect(logsift(args).code, line).toBe(0);
    }
    // In the text view too.
    expect(stripVTControlCharacters(logsift(['triage', sampleDir, '--text']).stdout)).toContain(`logsift error-flow ${sampleDir}\n`);
  });
});
