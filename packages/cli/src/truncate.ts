import type { Envelope, ListCut, Truncation } from './envelope.js';

/** Bytes of the envelope as printed (UTF-8, with the trailing newline). */
export function serializedBytes(envelope: Envelope, pretty: boolean): number {
  return Buffer.byteLength(JSON.stringify(envelope, null, pretty ? 2 : undefined)) + 1;
}

interface Found {
  path: string;
  owner: Record<string, unknown> | unknown[];
  key: string | number;
  list: unknown[];
  bytes: number;
}

/** Every non-empty array under `data`, with its path and serialized size. */
function findLists(value: unknown, path: string, owner: Found['owner'], key: string | number, out: Found[]): void {
  if (Array.isArray(value)) {
    if (value.length > 0) out.push({ path, owner, key, list: value, bytes: JSON.stringify(value).length });
    value.forEach((v, i) => findLists(v, `${path}[${i}]`, value, i, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      findLists(v, `${path}.${k}`, value as Record<string, unknown>, k, out);
    }
  }
}

function setAt(owner: Found['owner'], key: string | number, value: unknown): void {
  (owner as Record<string | number, unknown>)[key] = value;
}

/** Largest count in [0, total] for which `fits(count)` holds (fits is monotone), or -1. */
function largestFitting(total: number, fits: (count: number) => boolean): number {
  if (!fits(0)) return -1;
  let lo = 0;
  let hi = total;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function cutStrings(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}…` : value;
  if (Array.isArray(value)) return value.map((v) => cutStrings(v, max));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, cutStrings(v, max)]));
  }
  return value;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) return value.reduce<number>((m, v) => Math.max(m, longestString(v)), 0);
  if (value !== null && typeof value === 'object') {
    return Object.values(value as Record<string, unknown>).reduce<number>((m, v) => Math.max(m, longestString(v)), 0);
  }
  return 0;
}

/**
 * Cuts the envelope so its JSON fits in `maxBytes`. The largest list under `data` is cut
 * first (binary search on the kept count); if even an empty list does not fit, the next
 * largest list is cut, and so on; if all lists are empty and it still does not fit, long
 * strings in `data` and `inputs` are shortened (binary search on their length). Every cut is
 * recorded in `envelope.truncated`. Returns false when nothing could make it fit.
 */
export function fitToBytes(envelope: Envelope, maxBytes: number, pretty: boolean): boolean {
  const fits = (): boolean => serializedBytes(envelope, pretty) <= maxBytes;
  if (fits()) return true;

  const holder = { data: envelope.data } as Record<string, unknown>;
  const cuts: ListCut[] = [];
  const record = (): void => {
    const [first, ...more] = cuts;
    if (!first) return;
    const t: Truncation = { ...first };
    if (more.length > 0) t.more = more;
    envelope.truncated = t;
  };

  // Cut lists, largest first, until one partial cut (or emptying it) fits.
  for (;;) {
    const lists: Found[] = [];
    findLists(holder['data'], 'data', holder, 'data', lists);
    lists.sort((a, b) => b.bytes - a.bytes);
    const target = lists[0];
    if (!target) break;
    const original = target.list;
    cuts.push({ list: target.path, kept: 0, total: original.length });
    const cut = cuts[cuts.length - 1] as ListCut;
    const probe = (count: number): boolean => {
      setAt(target.owner, target.key, original.slice(0, count));
      cut.kept = count;
      envelope.data = holder['data'];
      record();
      return fits();
    };
    const kept = largestFitting(original.length, probe);
    probe(Math.max(kept, 0));
    if (kept >= 0) return true;
  }

  // Still too large with every list empty: shorten long strings.
  const data = envelope.data;
  const inputs = envelope.inputs;
  const longest = Math.max(longestString(data), longestString(inputs));
  const truncation: Truncation = envelope.truncated || {};
  envelope.truncated = truncation;
  const probeStrings = (max: number): boolean => {
    envelope.data = cutStrings(data, max);
    envelope.inputs = cutStrings(inputs, max) as Envelope['inputs'];
    truncation.stringsCutTo = max;
    return fits();
  };
  const max = largestFitting(longest, probeStrings);
  if (max >= 0) {
    probeStrings(max);
    return true;
  }
  probeStrings(0);
  return false;
}
