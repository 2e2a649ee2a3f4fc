/**
 * Exact UTC nanoseconds from the engine's RFC 3339 text (`2024-01-01T00:00:00.123456789Z`).
 * The entry's `timestampNs` number is only precise to ~0.25 µs, so the text is the source of
 * truth; anything not in that shape falls back to the number.
 */
export function timeToNs(time: string, fallback: number | undefined): bigint | number | null {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!m) return fallback ?? null;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return fallback ?? null;
  const frac = (m[2] ?? '').padEnd(9, '0');
  return BigInt(ms / 1000) * 1_000_000_000n + BigInt(frac);
}
