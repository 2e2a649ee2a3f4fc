import type { Entry, Investigation } from '@logsift/api';

/**
 * Query inputs chosen from the data itself (terms by how many records they match, ids by how
 * many records carry them), so scenarios ask realistic questions of whatever the generator
 * wrote, and every version and every peer is asked the same thing.
 */
export interface Probes {
  /** Entries sampled (evenly spaced) to choose these. */
  sampled: number;
  /** A term no record contains. */
  noMatch: string;
  /** A message word matching about 17% of records (the ripgrep comparison). */
  term17: TermShare | null;
  /** A message word matching about 60% of records (broad query). */
  term60: TermShare | null;
  /**
   * The broad query: one word, or any of two words, whose records (case-insensitive substring,
   * as search matches) are closest to 60% of the sample. The generated messages have no single
   * word near 60%, so a pair of disjoint ones (`GET` or `POST`) stands in.
   */
  broad60: TermsShare | null;
  /** `timeout`, the word of the filtered search (`level>=warn "timeout" last 1h`), when the data has it. */
  timeout: TermShare | null;
  /** A rarer word for filtered searches (timeout-like, a few percent). */
  termRare: TermShare | null;
  service: string | null;
  thread: string | null;
  /**
   * The root of the largest thread-naming tree (`worker-3` over `worker-3.task-a.sub-1`):
   * the most common first segment of sampled thread names; the biggest tree in the data.
   */
  threadRoot: string | null;
  /** The request id carrying the most sampled records. */
  request: string | null;
  /** A request that has an error record. */
  requestWithError: string | null;
  /** Requests touching 2, 3 and 5 services (timeline scenarios). */
  requestsByServices: Partial<Record<'2' | '3' | '5', string>>;
  trace: string | null;
  /** Two requests to compare. */
  comparePair: [string, string] | null;
  /** A numeric field present on many records (metrics). */
  numericField: string | null;
}

export interface TermShare {
  term: string;
  /** Share of sampled records whose message contains the word. */
  share: number;
}

export interface TermsShare {
  terms: string[];
  /** Share of sampled records whose message contains any of the terms (any case). */
  share: number;
}

export const NO_MATCH_TERM = 'zqxjvk-no-such-token';
const SAMPLE = 2000;

function mostCommon(counts: Map<string, number>): string | null {
  let best: string | null = null;
  let n = 0;
  for (const [k, v] of counts) {
    if (v > n || (v === n && best !== null && k < best)) {
      best = k;
      n = v;
    }
  }
  return best;
}

function bump(map: Map<string, number>, key: string | undefined): void {
  if (key) map.set(key, (map.get(key) ?? 0) + 1);
}

/** The word whose share of records is closest to `target`, ties broken by name. */
export function closestTerm(docFreq: Map<string, number>, records: number, target: number): TermShare | null {
  let best: TermShare | null = null;
  for (const [term, n] of docFreq) {
    const share = n / records;
    const d = Math.abs(share - target);
    const bd = best ? Math.abs(best.share - target) : Number.POSITIVE_INFINITY;
    if (d < bd || (d === bd && best !== null && term < best.term)) best = { term, share };
  }
  return best;
}

/**
 * The single word or pair of words (among the `pool` most frequent) whose union of matching
 * messages (case-insensitive substring) is closest to `target`; ties by terms.
 */
export function closestUnion(messages: readonly string[], docFreq: Map<string, number>, target: number, pool = 40): TermsShare | null {
  if (messages.length === 0) return null;
  const lower = messages.map((m) => m.toLowerCase());
  const words = [...docFreq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, pool).map(([w]) => w);
  const hits = words.map((w) => lower.map((m) => m.includes(w.toLowerCase())));
  let best: TermsShare | null = null;
  const consider = (terms: string[], n: number): void => {
    const share = n / messages.length;
    const d = Math.abs(share - target);
    const bd = best ? Math.abs(best.share - target) : Number.POSITIVE_INFINITY;
    // Ties: fewer terms, then by name.
    const better = best !== null && (terms.length < best.terms.length || (terms.length === best.terms.length && terms.join('|') < best.terms.join('|')));
    if (d < bd || (d === bd && better)) best = { terms, share };
  };
  for (let i = 0; i < words.length; i++) {
    const hi = hits[i] as boolean[];
    consider([words[i] as string], hi.filter(Boolean).length);
    for (let j = i + 1; j < words.length; j++) {
      const hj = hits[j] as boolean[];
      let n = 0;
      for (let k = 0; k < hi.length; k++) if (hi[k] || hj[k]) n++;
      consider([words[i] as string, words[j] as string].sort(), n);
    }
  }
  return best;
}

/** Share of messages containing `term` in any case, or null when none does. */
export function substringShare(messages: readonly string[], term: string): TermShare | null {
  const t = term.toLowerCase();
  const n = messages.filter((m) => m.toLowerCase().includes(t)).length;
  return n > 0 && messages.length > 0 ? { term, share: n / messages.length } : null;
}

/** Word document frequencies of messages (words of 4+ letters, case kept). */
export function wordFrequencies(messages: readonly string[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const m of messages) {
    const seen = new Set(m.match(/[A-Za-z][A-Za-z_]{3,}/g) ?? []);
    for (const w of seen) df.set(w, (df.get(w) ?? 0) + 1);
  }
  return df;
}

/** Chooses probes from sampled entries (pure: testable on synthetic entries). */
export function chooseProbes(entries: readonly Entry[]): Probes {
  const messages = entries.map((e) => e.message);
  const df = wordFrequencies(messages);
  const services = new Map<string, number>();
  const threads = new Map<string, number>();
  const roots = new Map<string, number>();
  const requests = new Map<string, number>();
  const traces = new Map<string, number>();
  const reqServices = new Map<string, Set<string>>();
  const reqError = new Map<string, number>();
  const numeric = new Map<string, number>();
  for (const e of entries) {
    // Batch jobs (a request of 1,002 records) have their own scenario; the request and trace
    // probes stay on request traffic, as they were before the generator wrote batch jobs.
    if (e.thread?.startsWith('batch-')) continue;
    bump(services, e.service);
    bump(threads, e.thread);
    bump(roots, e.thread?.split(/[.:]/)[0]);
    bump(requests, e.request);
    bump(traces, e.trace);
    if (e.request) {
      const set = reqServices.get(e.request) ?? new Set<string>();
      if (e.service) set.add(e.service);
      reqServices.set(e.request, set);
      if (e.severity >= 17) bump(reqError, e.request);
    }
    for (const [k, v] of Object.entries(e.fields ?? {})) {
      if (typeof v === 'number') bump(numeric, k);
    }
  }
  const byServices: Probes['requestsByServices'] = {};
  for (const n of ['2', '3', '5'] as const) {
    let best: string | undefined;
    for (const [req, set] of reqServices) {
      if (set.size !== Number(n)) continue;
      if (best === undefined || (requests.get(req) ?? 0) > (requests.get(best) ?? 0)) best = req;
    }
    if (best !== undefined) byServices[n] = best;
  }
  const topRequests = [...requests].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k]) => k);
  return {
    sampled: entries.length,
    noMatch: NO_MATCH_TERM,
    term17: closestTerm(df, entries.length, 0.17),
    term60: closestTerm(df, entries.length, 0.6),
    broad60: closestUnion(messages, df, 0.6),
    timeout: substringShare(messages, 'timeout'),
    termRare: closestTerm(df, entries.length, 0.03),
    service: mostCommon(services),
    thread: mostCommon(threads),
    threadRoot: mostCommon(roots),
    request: topRequests[0] ?? null,
    requestWithError: mostCommon(reqError),
    requestsByServices: byServices,
    trace: mostCommon(traces),
    comparePair: topRequests.length >= 2 ? [topRequests[0] as string, topRequests[1] as string] : null,
    numericField: mostCommon(numeric),
  };
}

/** Samples entries evenly across the investigation and chooses probes from them. */
export async function probe(inv: Investigation): Promise<Probes> {
  const { entries: total } = await inv.stats();
  const n = Math.min(SAMPLE, total);
  const ids = Array.from({ length: n }, (_, i) => Math.floor((i * total) / n));
  const entries = n > 0 ? await inv.entries(ids, { fields: true }) : [];
  return chooseProbes(entries);
}
