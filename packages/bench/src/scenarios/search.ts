import { method, Unavailable } from '../api-surface.js';
import type { Probes, TermShare } from '../probes.js';
import { prepared, SkipScenario, type Scenario, type ScenarioContext } from '../scenario.js';

/** What the planned `search` resolves to (only what the bench reads). */
interface SearchResultLike {
  totalMatches?: number;
  entries?: unknown[];
}

function need<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new SkipScenario(`no ${what} found in the generated data`);
  return value;
}

function term(t: TermShare | null, what: string): string {
  return need(t, what).term;
}

/** The broad (~60%) query: one word, or any of two. */
function broad(p: Probes): Record<string, unknown> {
  const b = need(p.broad60, 'word or pair matching ~60%');
  return b.terms.length === 1 ? { text: b.terms[0] } : { any: b.terms };
}

/** A search scenario: `query(probes)` builds the planned SearchOptions; the whole file is the unit of work. */
function search(name: string, title: string, query: (p: Probes) => Record<string, unknown>, target?: string, format: 'json' | 'text' = 'json'): Scenario {
  return {
    name,
    suite: 'search',
    title,
    ...(target ? { target } : {}),
    setup: async (ctx: ScenarioContext) => {
      const inv = await ctx.investigation(format);
      const fn = method(inv, 'search');
      const args = query(ctx.probes);
      const file = ctx.data.files[format];
      return prepared<SearchResultLike>({
        run: () => fn(args) as Promise<SearchResultLike>,
        units: { entries: file.entries, bytes: file.bytes },
        inputs: args,
        describe: (r) => ({ totalMatches: r.totalMatches, returned: r.entries?.length }),
      });
    },
  };
}

/** A count scenario (planned `count(query)`), compared with `rg -c` / `grep -c`. */
function count(name: string, title: string, query: (p: Probes) => Record<string, unknown>, target?: string, format: 'json' | 'text' = 'json'): Scenario {
  return {
    name,
    suite: 'search',
    title,
    ...(target ? { target } : {}),
    setup: async (ctx) => {
      const inv = await ctx.investigation(format);
      const fn = method(inv, 'count');
      const args = query(ctx.probes);
      const file = ctx.data.files[format];
      return prepared<{ total?: number }>({
        run: () => fn(args) as Promise<{ total?: number }>,
        units: { entries: file.entries, bytes: file.bytes },
        inputs: args,
        describe: (r) => ({ total: r.total }),
      });
    },
  };
}

export const searchScenarios: Scenario[] = [
  // Case-sensitive like `rg -c` / `grep -c` by default, so the peers do the same work.
  count('search.count-no-match', 'count a substring no record contains (full scan, case-sensitive)', (p) => ({ text: p.noMatch, caseSensitive: true }), 'no slower than rg -c (1M)'),
  count(
    'search.count-17pct',
    'count a word matching ~17% of records (case-sensitive)',
    (p) => ({ text: term(p.term17, 'word matching ~17%'), caseSensitive: true }),
    'no slower than rg -c (1M)',
  ),
  count('search.count-17pct-ci', 'count a word matching ~17% of records (case-insensitive, the default)', (p) => ({ text: term(p.term17, 'word matching ~17%') })),
  count('search.count-no-match-text', 'count a no-match substring in the plain-text file', (p) => ({ text: p.noMatch, caseSensitive: true }), undefined, 'text'),
  search('search.level-error', 'level=error, first page of 100', () => ({ level: 'error', limit: 100 }), '< 5 ms (1M)'),
  search(
    'search.warn-term-last-1h',
    'level>=warn "timeout" last 1h (relative to the end), limit 50: the issue\'s query',
    (p) => ({ minLevel: 'warn', text: term(p.timeout, '"timeout" in messages'), last: '1h', relativeTo: 'end', limit: 50 }),
    '< 10 ms (1M)',
  ),
  search('search.service-term', 'service filter + word, limit 100', (p) => ({
    service: need(p.service, 'service'),
    text: term(p.term17, 'word matching ~17%'),
    limit: 100,
  })),
  search('search.broad-60pct', 'word(s) matching ~60%: page 1 of 100 with exact count', (p) => ({ ...broad(p), limit: 100 }), '< 60 ms (1M), memory flat in matches'),
  search('search.broad-60pct-page-1000', 'same broad query, page of 1000 (cost of materializing)', (p) => ({ ...broad(p), limit: 1000 })),
  search('search.regex', 'regex alternation of two words, limit 100', (p) => ({
    regex: `\\b(?:${term(p.term17, 'word matching ~17%')}|${term(p.termRare, 'rare word')})\\b`,
    limit: 100,
  })),
  search('search.no-match', 'search for a substring no record contains, limit 100', (p) => ({ text: p.noMatch, limit: 100 })),
  search('search.oldest-first-level-warn', 'level>=warn, oldest first, limit 100', () => ({ minLevel: 'warn', order: 'oldest', limit: 100 })),
  count('search.count-aggregate-level-service', 'count of a word ~17% with aggregations by level and service', (p) => ({
    text: term(p.term17, 'word matching ~17%'),
    aggregate: ['level', 'service'],
  })),
  search('search.query-string', 'compact query string: level>=warn "word" -rare, limit 50', (p) => ({
    q: `level>=warn "${term(p.term17, 'word matching ~17%')}" -${term(p.termRare, 'rare word')}`,
    limit: 50,
  })),
  search('search.tail-100', 'the last 100 matches of the broad query', (p) => ({ ...broad(p), tail: 100 })),
  {
    name: 'search.iterate-17pct',
    suite: 'search',
    title: 'stream every match of a word ~17% through iterate() (batches of 5000)',
    target: 'memory flat in the number of matches',
    setup: async (ctx) => {
      const inv = await ctx.investigation('json');
      const iterate = (inv as unknown as Record<string, unknown>)['iterate'];
      if (typeof iterate !== 'function') throw new Unavailable('Investigation.iterate()');
      const query = { text: term(ctx.probes.term17, 'word matching ~17%') };
      const file = ctx.data.files.json;
      return prepared<number>({
        run: async () => {
          let n = 0;
          for await (const _ of (iterate as (q: object, o: object) => AsyncIterable<unknown>).call(inv, query, { batchSize: 5000 })) n += 1;
          return n;
        },
        units: { entries: file.entries, bytes: file.bytes },
        inputs: query,
        describe: (n) => ({ streamed: n }),
      });
    },
  },
];
