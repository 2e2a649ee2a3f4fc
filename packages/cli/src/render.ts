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

/** A compact, generic rendering of any JSON value (for data without a dedicated view). */
export function generic(value: unknown, ctx: RenderContext, indent = ''): string {
  const c = colors(ctx);
  if (value === null || typeof value !== 'object') return `${indent}${String(value)}`;
  if (Array.isArray(value)) {
    return value.map((v) => (v !== null && typeof v === 'object' ? `${indent}-\n${generic(v, ctx, `${indent}  `)}` : `${indent}- ${String(v)}`)).join('\n');
  }
  return Object.entries(value as Record<string, unknown>)
    .map(([k, v]) =>
      v !== null && typeof v === 'object' ? `${indent}${c.bold(k)}\n${generic(v, ctx, `${indent}  `)}` : `${indent}${c.dim(k)}  ${String(v)}`,
    )
    .join('\n');
}
