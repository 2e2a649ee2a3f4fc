import { colors, level } from './render.js';
import type { RenderContext } from './spec.js';

/** What a rendered entry may carry (any subset, since --fields may have removed keys). */
export interface EntryLike {
  id?: number;
  file?: string;
  line?: number;
  time?: string;
  level?: string;
  thread?: string;
  request?: string;
  trace?: string;
  service?: string;
  message?: string;
  matches?: [number, number][];
  context?: { before?: EntryLike[]; after?: EntryLike[] };
}

function highlight(message: string, matches: [number, number][] | undefined, ctx: RenderContext): string {
  if (!matches?.length || !ctx.color) return message;
  const c = colors(ctx);
  let out = '';
  let at = 0;
  for (const [s, e] of [...matches].sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    out += message.slice(at, s) + c.bold(c.red(message.slice(s, e)));
    at = e;
  }
  return out + message.slice(at);
}

/**
 * Cuts a message to `width` columns. When the first match lies beyond the cut, the window
 * moves to show it (with a leading …), so a hit is always visible.
 */
function fit(message: string, matches: [number, number][] | undefined, width: number): { text: string; matches: [number, number][] } {
  const one = message.replace(/\r?\n/g, ' ⏎ ');
  // Replacing newlines shifts offsets after them; only keep spans when nothing moved.
  let spans = one.length === message.length ? [...(matches ?? [])].sort((a, b) => a[0] - b[0]) : [];
  if (one.length <= width) return { text: one, matches: spans };
  let start = 0;
  const first = spans[0];
  if (first && first[1] > width - 1) start = Math.max(0, Math.min(first[0] - 20, one.length - (width - 1)));
  const prefix = start > 0 ? '…' : '';
  const room = Math.max(1, width - 1 - prefix.length);
  const end = start + room;
  const text = `${prefix}${one.slice(start, end)}${end < one.length ? '…' : ''}`;
  spans = spans.filter(([s, e]) => s >= start && e <= end).map(([s, e]) => [s - start + prefix.length, e - start + prefix.length]);
  return { text, matches: spans };
}

/** One line per entry: time, level, ids, message; matches highlighted, context dimmed. */
export function renderEntry(e: EntryLike, ctx: RenderContext, dim = false): string {
  const c = colors(ctx);
  const time = e.time ? e.time.replace('T', ' ').replace('Z', '') : '';
  const lvl = e.level ? level(e.level.padEnd(5), ctx) : '';
  const ids = [e.service, e.thread && `[${e.thread}]`, e.request && `req=${e.request}`, e.trace && `trace=${e.trace}`].filter(Boolean).join(' ');
  const prefixPlain = [time, e.level?.padEnd(5) ?? '', ids].filter(Boolean).join(' ');
  const room = Math.max(20, ctx.width - prefixPlain.length - 1);
  const { text, matches } = fit(e.message ?? '', e.matches, room);
  if (dim) return c.dim(`${prefixPlain} ${text}`);
  return [time && c.dim(time), lvl, ids && c.cyan(ids), highlight(text, matches, ctx)].filter(Boolean).join(' ');
}

export function renderEntries(entries: EntryLike[], ctx: RenderContext): string {
  const c = colors(ctx);
  const lines: string[] = [];
  for (const e of entries) {
    const before = e.context?.before ?? [];
    const after = e.context?.after ?? [];
    for (const b of before) lines.push(renderEntry(b, ctx, true));
    lines.push(renderEntry(e, ctx));
    for (const a of after) lines.push(renderEntry(a, ctx, true));
    if (before.length > 0 || after.length > 0) lines.push(c.dim('--'));
  }
  return lines.join('\n');
}
