let lastPrefix = '';
let lastSeconds = '';

/**
 * Exact UTC nanoseconds from the engine's RFC 3339 text (`2024-01-01T00:00:00.123456789Z`),
 * as a decimal string that SQLite stores as an INTEGER (column affinity). The entry's
 * `timestampNs` number is only precise to ~0.25 µs, so the text is the source of truth;
 * anything not in that shape falls back to the number. Consecutive entries mostly share
 * their second, so the date part is parsed once per second.
 */
export function timeToNs(time: string, fallback: number | undefined): string | number | null {
  const n = time.length;
  if (n < 20 || time.charCodeAt(n - 1) !== 90 /* Z */ || time.charCodeAt(10) !== 84 /* T */) return fallback ?? null;
  const prefix = time.slice(0, 19);
  if (prefix !== lastPrefix) {
    const ms = Date.parse(`${prefix}Z`);
    if (Number.isNaN(ms) || ms < 0) return fallback ?? null;
    lastPrefix = prefix;
    lastSeconds = ms === 0 ? '' : String(ms / 1000);
  }
  let frac = '';
  if (n > 20) {
    if (time.charCodeAt(19) !== 46 /* . */ || n > 30) return fallback ?? null;
    frac = time.slice(20, n - 1);
    if (!/^\d+$/.test(frac)) return fallback ?? null;
  }
  const digits = lastSeconds + frac.padEnd(9, '0');
  return digits.replace(/^0+(?=\d)/, '');
}
