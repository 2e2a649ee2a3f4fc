/** Run time in a unit that keeps 3 significant figures. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${(ms * 1000).toFixed(1)} µs`;
}

/** Bytes in binary units, signed (memory deltas can be negative). */
export function fmtBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  const sign = n < 0 ? '−' : '';
  let v = Math.abs(n);
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${sign}${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** A rate with K/M suffixes: 1.52M. */
export function fmtCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}K`;
  // Ratios and per-entry figures are small fractions: 0.64 must not print as 1.
  return Number.isInteger(n) ? n.toFixed(0) : String(Number(n.toPrecision(3)));
}

export function fmtPct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export function fmtSpeedup(x: number): string {
  return `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`;
}

/** A GitHub-flavoured Markdown table (pipes in cells escaped). */
export function mdTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string): string => c.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const line = (cells: readonly string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
