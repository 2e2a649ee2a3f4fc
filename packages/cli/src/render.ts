import { stripVTControlCharacters } from 'node:util';
import type TableType from 'cli-table3';
import pc from 'picocolors';
import type { RenderContext } from './spec.js';

export type Colors = ReturnType<typeof pc.createColors>;

export function colors(ctx: RenderContext): Colors {
  return pc.createColors(ctx.color);
}

let Table: typeof TableType | undefined;

/**
 * Loads cli-table3 before text rendering. It is imported lazily so JSON output (agents,
 * pipes) does not pay for it at startup.
 */
export async function loadTableLib(): Promise<void> {
  Table ??= (await import('cli-table3')).default;
}

/** A borderless table (cli-table3) that reads well in a terminal and in a captured screen. */
export function table(head: string[], rows: (string | number)[][], ctx: RenderContext, colWidths?: (number | null)[]): string {
  const c = colors(ctx);
  if (!Table) throw new Error('loadTableLib() must run before table()');
  const t = new Table({
    head: head.map((h) => c.bold(h)),
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2, compact: true },
    chars: {
      top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
      bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
      left: '', 'left-mid': '', mid: '─', 'mid-mid': '─', right: '', 'right-mid': '', middle: '',
    },
    ...(colWidths ? { colWidths, wordWrap: true, wrapOnWordBoundary: false } : {}),
  });
  for (const r of rows) t.push(r.map(String));
  const lines = t
    .toString()
    .split('\n')
    .map((l) => l.trimEnd());
  // The rule under the header spans the last column's padding too: cut it to the widest row.
  const isRule = (l: string): boolean => /^[─\s]+$/.test(stripVTControlCharacters(l));
  const width = Math.max(0, ...lines.filter((l) => !isRule(l)).map((l) => stripVTControlCharacters(l).length));
  return lines.map((l) => (isRule(l) ? stripVTControlCharacters(l).slice(0, width) : l)).join('\n');
}

/** Two columns, label and value: for summaries. */
export function keyValues(pairs: [string, string | number][], ctx: RenderContext): string {
  const c = colors(ctx);
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${c.dim(k.padEnd(w))}  ${v}`).join('\n');
}

/** A level name in its colour. */
export function level(name: string, ctx: RenderContext): string {
  const c = colors(ctx);
  switch (name) {
    case 'FATAL':
      return c.bold(c.magenta(name));
    case 'ERROR':
      return c.red(name);
    case 'WARN':
      return c.yellow(name);
    case 'INFO':
      return c.green(name);
    case 'DEBUG':
    case 'TRACE':
      return c.dim(name);
    default:
      return name;
  }
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return `${v.toFixed(u === 0 ? 0 : 1)} ${units[u]}`;
}

/** A time range in few columns: the date once when both ends share it. */
export function timeRange(first: string | null | undefined, last: string | null | undefined): string {
  const show = (t: string): string => t.replace('T', ' ').replace('Z', '');
  if (!first || !last) return first ? show(first) : last ? show(last) : '-';
  const a = show(first);
  const b = show(last);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} → ${b.slice(11)}` : `${a} → ${b}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Levels in severity order. */
export const LEVEL_ORDER = ['FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE', 'NONE'];

export function levelCounts(levels: Partial<Record<string, number>>, ctx: RenderContext): string {
  const parts = LEVEL_ORDER.filter((l) => levels[l]).map((l) => `${level(l, ctx)} ${formatCount(levels[l] ?? 0)}`);
  return parts.join('  ') || '-';
}

/** Cuts a string to the terminal width. */
export function clip(s: string, width: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ⏎ ');
  return one.length > width ? `${one.slice(0, Math.max(0, width - 1))}…` : one;
}

const BARS = '▁▂▃▄▅▆▇█';

/** Values as a sparkline, one bar per value, scaled to the largest (0 and missing are blank). */
export function sparkline(values: (number | null | undefined)[]): string {
  const max = Math.max(0, ...values.map((v) => v ?? 0));
  return values.map((v) => (v == null || v <= 0 || max === 0 ? ' ' : BARS[Math.min(7, Math.max(0, Math.round((v / max) * 7)))])).join('');
}

/** An epoch-nanosecond time as `YYYY-MM-DD HH:MM:SS.mmm` (UTC), or `-`. */
export function clockTime(ns: number | null | undefined): string {
  return ns == null ? '-' : new Date(Math.round(ns / 1e6)).toISOString().replace('T', ' ').replace('Z', '');
}

/** A duration in ms, short: `850ms`, `12.3s`, `4m05s`, `3h02m`, `12d04h`. */
export function formatMs(ms: number | null | undefined): string {
  if (ms == null) return '-';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '-' : '';
  if (a < 1000) return `${sign}${Math.round(a)}ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)}s`;
  const s = Math.floor(a / 1000);
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (s < 3600) return `${sign}${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}m`;
  return `${sign}${Math.floor(s / 86_400)}d${pad(Math.floor((s % 86_400) / 3600))}h`;
}

/** A number for a table: integers grouped, others with at most `digits` decimals. */
export function formatNumber(n: number | null | undefined, digits = 1): string {
  if (n == null) return '-';
  return Number.isInteger(n) ? formatCount(n) : n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A share (0..1) as a percentage. */
export function percent(share: number | null | undefined, digits = 1): string {
  return share == null ? '-' : `${(share * 100).toFixed(digits)}%`;
}

/** Visible width of a string (colour codes not counted). */
export function visibleWidth(s: string): number {
  return stripVTControlCharacters(s).length;
}

/** Pads a (possibly coloured) string to `width` visible columns. */
export function padVisible(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - visibleWidth(s)));
}

/**
 * Two things side by side: a label column and one column each, the rows whose values differ
 * in bold (so what changed stands out).
 */
export function sideBySide(heads: [string, string], rows: [string, string, string][], ctx: RenderContext): string {
  const c = colors(ctx);
  const w = Math.max(20, Math.floor((ctx.width - 16) / 2));
  const cut = (s: string): string => (visibleWidth(s) > w ? `${stripVTControlCharacters(s).slice(0, w - 1)}…` : s);
  return table(
    ['', heads[0], heads[1]],
    rows.map(([label, a, b]) => {
      const differ = stripVTControlCharacters(a) !== stripVTControlCharacters(b);
      return [c.dim(label), differ ? c.bold(cut(a)) : cut(a), differ ? c.bold(cut(b)) : cut(b)];
    }),
    ctx,
  );
}
