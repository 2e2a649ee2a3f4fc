import { html } from 'htm/preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { SearchHit } from '@logsift/api';
import { formatTime } from './format.js';
import { MatchPages } from './pages.js';
import { Failure } from './use-api.js';

export const ROW = 22;
/** Browsers cap an element's height (Chrome near 33.5M px): past this the scrollbar is scaled. */
const MAX_HEIGHT = 8_000_000;
const OVERSCAN = 8;

/** The message with the query's hits marked (`matches` are UTF-16 spans, as JS indexes). */
export function Highlighted(props: { hit: Pick<SearchHit, 'message' | 'matches'> }) {
  const { message, matches } = props.hit;
  const parts = [];
  let at = 0;
  for (const [a, b] of matches ?? []) {
    if (a < at) continue;
    parts.push(message.slice(at, a), html`<mark>${message.slice(a, b)}</mark>`);
    at = b;
  }
  parts.push(message.slice(at));
  return html`<span class="msg">${parts}</span>`;
}

/** Scroll offset ↔ fractional first row, identical to plain rows until the height cap. */
function geometry(total: number, view: number) {
  const full = total * ROW;
  const height = Math.min(full, MAX_HEIGHT);
  const rows = Math.max(1, Math.floor(view / ROW));
  const scaled = full > MAX_HEIGHT;
  const range = Math.max(1, height - view);
  return {
    height,
    rows,
    first: (top: number) => (scaled ? (top / range) * Math.max(0, total - rows) : top / ROW),
    topOf: (index: number) => (scaled ? (index / Math.max(1, total - rows)) * range : index * ROW),
  };
}

/**
 * The entry list, virtualized: only the rows in view (plus a few) are in the DOM, whatever
 * the number of matches; pages come from `MatchPages`. Keyboard: ↑/↓ (j/k), PageUp/PageDown,
 * Home/End move the selection; Enter opens it.
 */
export function EntryList(props: {
  params: Record<string, string>;
  total: number;
  selected: number;
  onSelect: (index: number) => void;
  onOpen: (hit: SearchHit) => void;
  jump: number | undefined;
}) {
  const { total, selected, onSelect, onOpen } = props;
  const box = useRef<HTMLDivElement>(null);
  const [, setTick] = useState(0);
  const redraw = () => setTick((t) => t + 1);
  const [pages, setPages] = useState(() => new MatchPages(props.params, redraw));
  const [top, setTop] = useState(0);
  const [view, setView] = useState(600);
  const key = JSON.stringify(props.params);
  useEffect(() => {
    setPages(new MatchPages(props.params, redraw));
    setTop(0);
    if (box.current) box.current.scrollTop = 0;
  }, [key]);
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    setView(el.clientHeight);
    const ro = new ResizeObserver(() => setView(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const g = geometry(total, view);
  const first = Math.floor(g.first(top));
  const from = Math.max(0, first - OVERSCAN);
  const to = Math.min(total - 1, first + g.rows + OVERSCAN);
  useEffect(() => {
    if (total > 0) pages.want(from, to);
  }, [pages, from, to, total]);

  /** Puts row `index` in view (scrolling only when it is not). */
  const reveal = (index: number, align: 'start' | 'nearest' = 'nearest') => {
    const el = box.current;
    if (!el) return;
    const firstShown = g.first(el.scrollTop);
    if (align === 'nearest' && index >= firstShown && index < firstShown + g.rows - 1) return;
    const target = align === 'start' || index < firstShown ? g.topOf(index) : g.topOf(index - g.rows + 2);
    el.scrollTop = Math.max(0, target);
    setTop(el.scrollTop);
  };
  useEffect(() => {
    if (props.jump !== undefined) reveal(props.jump, 'start');
  }, [props.jump]);

  const move = (index: number) => {
    const i = Math.max(0, Math.min(total - 1, index));
    onSelect(i);
    reveal(i);
  };
  const onKey = (e: KeyboardEvent) => {
    const step: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, PageDown: g.rows - 1, PageUp: 1 - g.rows };
    // Nothing selected yet: the first move selects the first row.
    if (e.key in step) move(selected < 0 ? 0 : selected + step[e.key]!);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(total - 1);
    else if (e.key === 'Enter') {
      const hit = pages.entry(selected);
      if (hit) onOpen(hit);
    } else return;
    e.preventDefault();
  };

  const offsetTop = top - (g.first(top) - first) * ROW;
  const rows = [];
  for (let i = from; i <= to; i++) {
    const hit = pages.entry(i);
    const y = offsetTop + (i - first) * ROW;
    rows.push(
      hit
        ? html`<div
            key=${i}
            class=${`row lv-${hit.level}${i === selected ? ' selected' : ''}`}
            data-index=${i}
            data-entry=${hit.id}
            style=${{ top: `${y}px` }}
            onClick=${() => {
              onSelect(i);
              onOpen(hit);
            }}
          >
            <span class="idx">${i + 1}</span><span class="time">${formatTime(hit.timestampNs)}</span><span class="lvl">${hit.level}</span>${hit.service ? html`<span class="svc">${hit.service}</span>` : null}<${Highlighted} hit=${hit} />
          </div>`
        : html`<div key=${i} class="row loading" data-index=${i} style=${{ top: `${y}px` }}><span class="idx">${i + 1}</span>…</div>`,
    );
  }
  return html`${pages.error ? html`<${Failure} error=${pages.error} />` : null}<div
    class="list"
    ref=${box}
    tabIndex="0"
    data-testid="entry-list"
    onScroll=${(e: Event) => setTop((e.currentTarget as HTMLDivElement).scrollTop)}
    onKeyDown=${onKey}
  >
    <div class="spacer" style=${{ height: `${g.height}px` }}>${rows}</div>
  </div>`;
}
